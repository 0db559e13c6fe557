/**
 * The random ops on the GPU against their TS twin, bit for bit: shared by the Node (Dawn) and the
 * browser (Chromium) test files, so both WebGPU implementations are held to the same bits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  init,
  philoxNormal,
  philoxNormals,
  philoxUniform,
  philoxUniforms,
  RandomSeed,
  type Runtime,
} from '../../src/index';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

export function randomSuite(title: string): void {
  describe(title, () => {
    let rt: Runtime;
    beforeAll(async () => (rt = await init()));
    afterAll(() => rt?.destroy());

    // Edge sizes: one element, an odd prime that ends inside a Philox block, a 3-D shape.
    it.each([[[1]], [[97]], [[3, 5, 7]]])(
      'normal %j equals philoxNormals bit for bit',
      async (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const got = await philoxNormal(rt, shape, { seed: 12345, std: 0.37 }).read();
        expect(bits(got)).toEqual(bits(philoxNormals(12345, n, { std: 0.37 })));
      },
    );

    it('normal and uniform with offsets and 53-bit seeds equal the twin', async () => {
      const seed = 2 ** 40 + 17;
      const z = await philoxNormal(rt, [4099], { seed, offset: 3 }).read();
      expect(bits(z)).toEqual(bits(philoxNormals(seed, 4099, { offset: 3 })));
      const u = await philoxUniform(rt, [1031], { seed, offset: 2 ** 31 }).read();
      expect(bits(u)).toEqual(bits(philoxUniforms(seed, 1031, { offset: 2 ** 31 })));
    });

    it('perRow: row r is the stream seed + r 2^32 from the offset', async () => {
      const z = await philoxNormal(rt, [3, 2, 5], {
        seed: 7,
        offset: 9,
        std: 0.5,
        perRow: true,
      }).read();
      for (let r = 0; r < 3; r++)
        expect(bits(z.subarray(r * 10, r * 10 + 10))).toEqual(
          bits(philoxNormals(7 + r * 2 ** 32, 10, { offset: 9, std: 0.5 })),
        );
      const u = await philoxUniform(rt, [4, 3], { seed: 1, perRow: true }).read();
      expect(bits(u.subarray(9))).toEqual(bits(philoxUniforms(1 + 3 * 2 ** 32, 3)));
      expect(() => philoxNormal(rt, [3, 2], { seed: 2 ** 53 - 2 ** 32, perRow: true })).toThrow(
        /below 2\^53/,
      );
    });

    it('a compiled Step redraws with a new RandomSeed value, without recompiling', async () => {
      const seed = new RandomSeed(1);
      const z = philoxNormal(rt, [64], { seed });
      const step = await rt.compile({ outputs: [z] });
      step.run();
      expect(bits(await z.read())).toEqual(bits(philoxNormals(1, 64)));
      seed.value = 2;
      step.run();
      expect(bits(await z.read())).toEqual(bits(philoxNormals(2, 64)));
    });

    it('normal moments on the GPU (2^16 draws)', async () => {
      const z = await philoxNormal(rt, [1 << 16], { seed: 99 }).read();
      let m1 = 0;
      let m2 = 0;
      for (const v of z) {
        m1 += v / z.length;
        m2 += (v * v) / z.length;
      }
      expect(Math.abs(m1)).toBeLessThan(0.02);
      expect(Math.abs(m2 - 1)).toBeLessThan(0.025);
    });

    it('user errors name the op and what is valid', () => {
      expect(() => philoxNormal(rt, [4], { seed: -3 })).toThrow(
        /seed must be an integer in \[0, 2\^53\)/,
      );
      expect(() => philoxUniform(rt, [4], { seed: 1, offset: 2 ** 32 - 1 })).toThrow(
        /philox_uniform.*offset/,
      );
      expect(() => philoxNormal(rt, [4], { seed: 1, std: NaN })).toThrow(/std/);
      expect(() => new RandomSeed(0.5)).toThrow(/seed/);
    });
  });
}
