import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, SpectralConv, TuckerSpectralConv, init, type Runtime } from '../../src/index';
import { expectWgnoError } from '../util/errors';

// One SpectralConv, two factorizations: the names, the factorization option, the layer's checks.
// (The numbers are checked against neuraloperator by the FNO/TFNO fixture tests.)
describe('SpectralConv factorization option (Node)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  const shapes = (m: SpectralConv) => m.namedParameters().map(([n, t]) => [n, [...t.shape]]);

  it("'dense' (the default) holds weight.tensor, 'tucker' the core and factors", () => {
    const dense = new SpectralConv(rt, new Rng(0), 3, 4, [6, 5]);
    expect(dense.weight.factorization).toBe('dense');
    expect(shapes(dense)).toEqual([
      ['weight.tensor', [3, 4, 6, 3]],
      ['bias', [4, 1, 1]],
    ]);
    const tucker = new SpectralConv(rt, new Rng(0), 3, 4, [6, 5], {
      factorization: 'tucker',
      rank: [2, 3, 4, 1],
    });
    expect(tucker.weight.factorization).toBe('tucker');
    expect(shapes(tucker)).toEqual([
      ['weight.core', [2, 3, 4, 1]],
      ['weight.factors.factor_0', [3, 2]],
      ['weight.factors.factor_1', [4, 3]],
      ['weight.factors.factor_2', [6, 4]],
      ['weight.factors.factor_3', [3, 1]],
      ['bias', [4, 1, 1]],
    ]);
  });

  it('TuckerSpectralConv is SpectralConv with factorization tucker: same weights, same output', async () => {
    const a = new TuckerSpectralConv(rt, new Rng(3), 2, 3, [4, 3], 0.6);
    const b = new SpectralConv(rt, new Rng(3), 2, 3, [4, 3], {
      factorization: 'tucker',
      rank: 0.6,
    });
    expect(a.weight.rank).toEqual((b.weight as typeof a.weight).rank);
    const pa = a.namedParameters();
    const pb = b.namedParameters();
    expect(pa.map(([n]) => n)).toEqual(pb.map(([n]) => n));
    for (let i = 0; i < pa.length; i++)
      expect(await pa[i][1].read()).toEqual(await pb[i][1].read());
    const x = rt.tensor(new Rng(5).normals(2 * 2 * 8 * 6), [2, 2, 8, 6]);
    expect(await a.forward(x).read()).toEqual(await b.forward(x).read());
  });

  it('rejects an unknown factorization, a rank for dense weights, too few frequencies', () => {
    const rng = new Rng(0);
    expectWgnoError(
      () => new SpectralConv(rt, rng, 2, 2, [4], { factorization: 'cp' as 'dense' }),
      'SpectralConv',
      /factorization 'cp' is not supported; use 'dense' or 'tucker'/,
    );
    expectWgnoError(
      () => new SpectralConv(rt, rng, 2, 2, [4], { rank: 0.5 }),
      'SpectralConv',
      /rank applies to factorization 'tucker', not 'dense'/,
    );
    for (const factorization of ['dense', 'tucker'] as const) {
      const conv = new SpectralConv(rt, rng, 2, 2, [12, 6], { factorization });
      expectWgnoError(
        () => conv.forward(rt.tensor(new Float32Array(2 * 8 * 16), [1, 2, 8, 16])),
        'SpectralConv',
        /12 modes along axis 2 need at least 12 frequencies; input \[1, 2, 8, 16\] has 8/,
      );
      expectWgnoError(
        () => conv.forward(rt.tensor(new Float32Array(2 * 16 * 4), [1, 2, 16, 4])),
        'SpectralConv',
        /4 modes along axis 3 need at least 4 frequencies; input \[1, 2, 16, 4\] has 3/,
      );
    }
  });
});
