import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FNO,
  TFNO,
  TuckerSpectralConv,
  Rng,
  init,
  spectralMul,
  fft,
  irfft,
  rfft,
  add,
  tuckerRank,
  type Runtime,
} from '../../src/index';
import { relL2 } from '../util/compare';
import { TFNO_FIXTURES, checkFnoFixture } from './fno-fixtures';

describe('TFNO (Tucker-factorized FNO) matches PyTorch/neuraloperator (browser)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it("tuckerRank follows tensorly's validate_tucker_rank", () => {
    expect(tuckerRank([8, 8, 6, 4], 0.5)).toEqual([6, 6, 5, 3]);
    expect(tuckerRank([8, 8, 6, 4], 0.1)).toEqual([4, 4, 3, 2]);
    expect(tuckerRank([8, 8, 6, 4], 3)).toEqual([3, 3, 3, 3]);
    expect(tuckerRank([8, 8, 6, 4], [2, 3, 4, 1])).toEqual([2, 3, 4, 1]);
  });

  for (const name of TFNO_FIXTURES) {
    it(name, async () => {
      const e = await checkFnoFixture(rt, name);
      console.log(
        `${name}: ${Object.entries(e)
          .map(([k, v]) => `${k} ${v.toExponential(2)}`)
          .join(', ')}`,
      );
    });
  }

  it('state_dict names, TFNO default rank 0.1', () => {
    const m = new TFNO(rt, { nModes: [6, 6], inChannels: 1, outChannels: 1, hiddenChannels: 8 });
    const names = new Map(m.namedParameters().map(([n, t]) => [n, [...t.shape]]));
    expect(names.get('fno_blocks.convs.0.weight.core')).toEqual([4, 4, 3, 2]);
    expect(names.get('fno_blocks.convs.3.weight.factors.factor_3')).toEqual([4, 2]);
    expect(names.has('fno_blocks.convs.0.weight.tensor')).toBe(false);
    const f = new FNO(rt, {
      nModes: [6, 6],
      inChannels: 1,
      outChannels: 1,
      hiddenChannels: 8,
      factorization: 'tucker',
      rank: 0.5,
    });
    expect([
      ...f.namedParameters().find(([n]) => n.endsWith('convs.1.weight.core'))![1].shape,
    ]).toEqual([6, 6, 5, 3]);
  });

  // The factorized contraction equals spectral_mul with the reconstructed dense weight, odd and
  // even windows, 1-D to 3-D, non-square sizes.
  for (const [modes, sizes] of [
    [[5], [13]],
    [
      [5, 7],
      [11, 16],
    ],
    [
      [4, 3, 4],
      [8, 7, 8],
    ],
  ] as const) {
    it(`factorized == dense reconstruction, modes [${modes.join(', ')}]`, async () => {
      const rng = new Rng(7);
      const conv = new TuckerSpectralConv(rt, rng, 3, 4, modes, 0.6);
      const shape = [2, 3, ...sizes];
      const x = rt.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape);
      const d = modes.length;
      let z = rfft(x, { norm: 'forward', nOut: conv.kept[d - 1] });
      for (let a = 0; a < d - 1; a++) z = fft(z, 2 + a, { norm: 'forward' });
      let y = spectralMul(z, conv.denseWeight());
      for (let a = 0; a < d - 1; a++) y = fft(y, 2 + a, { inverse: true, norm: 'forward' });
      const dense = add(irfft(y, { n: sizes[d - 1], norm: 'forward' }), conv.bias);
      const e = relL2(await conv.forward(x).read(), await dense.read());
      expect(e).toBeLessThan(1e-5);
    });
  }
});
