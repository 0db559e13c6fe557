/** argsort and centredRanks on the GPU against host sorting: shared by the Node and browser files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Rng, type Runtime } from '../../src/index';
import { argsort, centredRanks, hostArgsort, hostCentredRanks } from '../../src/ops/topk';

export function topkSuite(title: string, kernels: 'lane' | 'workgroup'): void {
  describe(title, () => {
    let rt: Runtime;
    beforeAll(async () => (rt = await init({ kernels })));
    afterAll(() => rt?.destroy());

    const check = async (s: Float32Array) => {
      const x = rt.tensor(s, [s.length]);
      expect(Array.from(await argsort(x).readIndices())).toEqual(hostArgsort(s));
      const u = await centredRanks(x).read();
      const want = hostCentredRanks(s);
      for (let i = 0; i < s.length; i++) expect(Math.abs(u[i] - want[i])).toBeLessThan(1e-6);
    };

    // Edge sizes: one score, an odd prime, n not a power of two, and the largest n.
    it.each([1, 7, 1000, 2048])('n = %i distinct scores', async (n) => {
      await check(new Rng(n).normals(n));
    });

    it('ties go to the lower index; NaN and -inf sort last', async () => {
      const rng = new Rng(4);
      const s = Float32Array.from({ length: 999 }, () => Math.floor(rng.uniform() * 5));
      s[3] = NaN;
      s[10] = -Infinity;
      s[500] = Infinity;
      await check(s);
      await check(new Float32Array(33)); // all equal: the identity order
    });

    it('scores of the wrong shape are a user error', () => {
      expect(() => argsort(rt.zeros([2049]))).toThrow(/1 <= n <= 2048/);
      expect(() => centredRanks(rt.zeros([2, 3]))).toThrow(/f32 \[n\]/);
    });
  });
}
