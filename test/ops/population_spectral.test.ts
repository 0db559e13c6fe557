/**
 * spectral_mul and spectral_wgrad with a population of weights (w [P, Cin, Cout, k_1, ..., k_d]:
 * x's batch is P groups, group p contracted with w[p]): the op-table harness's checks (GPU vs
 * float64 reference, VJP dot product, GPU backward vs reference backward, second order) on edge
 * shapes: P = 1 with the population axis, one entry per member, a member batch that is not a
 * multiple of the kernel's batch tile (2), channels not multiples of the channel tiles (4).
 * The kernels have one lowering, so one suite.
 */
import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { complex, imag, real } from '../../src/ops/complex';
import { concat } from '../../src/ops/concat';
import { spectralMul, spectralWgrad } from '../../src/ops/spectral';
import { opSuite, type OpCase } from './harness';

type MulOpts = { adjoint?: boolean; outLast?: number };
const c64 = (shape: number[]) => ({ shape, dtype: 'complex64' as const });
const f32 = (shape: number[]) => [{ shape }, { shape }];
/** Re and im side by side, so the cotangent of each is independent. */
const reim = (y: w.Tensor) => concat([real(y), imag(y)], 0);

// [name, x shape (batch = P x member batch), w shape [P, Cin, Cout, ...k], options]
const products: [string, number[], number[], MulOpts?][] = [
  ['P 1 (population axis of one), 1-D', [2, 3, 9], [1, 3, 2, 5]],
  ['P 3, one entry per member, 1-D', [3, 2, 9], [3, 2, 5, 5]],
  ['P 3, member batch 3 (not a multiple of the batch tile 2), 2-D', [9, 3, 10, 6], [3, 3, 5, 5, 3]],
  ['P 2, member batch 2, 2-D pruned, outLast 8', [4, 2, 7, 5], [2, 2, 3, 3, 4], { outLast: 8 }],
  ['P 2, 3-D', [4, 2, 6, 5, 4], [2, 2, 3, 4, 3, 3]],
  ['P 3 adjoint, 2-D', [6, 4, 10, 6], [3, 3, 4, 5, 3], { adjoint: true }],
];
const wgrads: [string, number[], number[], number[], number][] = [
  ['P 1, 1-D', [2, 3, 9], [2, 2, 9], [5], 1],
  ['P 3, member batch 1, 2-D, Ma 6 != Mb 8', [3, 6, 10, 6], [3, 5, 10, 8], [5, 3], 3],
  ['P 2, member batch 3, 3-D', [6, 3, 5, 4, 3], [6, 2, 5, 4, 2], [3, 4, 2], 2],
];

const forward: OpCase[] = [
  ...products.map(([name, x, wt, o]) => ({
    name: `spectral_mul ${name}`,
    inputs: [c64(x), c64(wt)],
    fn: (a: w.Tensor, b: w.Tensor) => spectralMul(a, b, o),
  })),
  ...wgrads.map(([name, a, b, modes, P]) => ({
    name: `spectral_wgrad ${name}`,
    inputs: [c64(a), c64(b)],
    fn: (p: w.Tensor, q: w.Tensor) => spectralWgrad(p, q, modes, P),
  })),
];
opSuite('population spectral ops (forward, complex64 leaves)', forward);

const grads: OpCase[] = [
  ...products.map(([name, x, wt, o]) => ({
    name: `grad spectral_mul ${name}`,
    inputs: [...f32(x), ...f32(wt)],
    fn: (xr: w.Tensor, xi: w.Tensor, wr: w.Tensor, wi: w.Tensor) =>
      reim(spectralMul(complex(xr, xi), complex(wr, wi), o)),
  })),
  ...wgrads.map(([name, a, b, modes, P]) => ({
    name: `grad spectral_wgrad ${name}`,
    inputs: [...f32(a), ...f32(b)],
    fn: (ar: w.Tensor, ai: w.Tensor, br: w.Tensor, bi: w.Tensor) =>
      reim(spectralWgrad(complex(ar, ai), complex(br, bi), modes, P)),
  })),
];
opSuite('population spectral ops (gradients through complex(re, im))', grads);

describe('population spectral_mul', () => {
  it('member p of a population product equals the single-weight product on its batch group', async () => {
    const rt = await w.init();
    try {
      const rng = new w.Rng(3);
      const [P, Bm] = [3, 2];
      const xs = rng.normals(2 * P * Bm * 2 * 8 * 5);
      const ws = rng.normals(2 * P * 2 * 3 * 4 * 3);
      const x = rt.tensor(xs, [P * Bm, 2, 8, 5], { dtype: 'complex64' });
      const wt = rt.tensor(ws, [P, 2, 3, 4, 3], { dtype: 'complex64' });
      const all = await spectralMul(x, wt).read();
      const per = 2 * Bm * 3 * 8 * 5;
      for (let p = 0; p < P; p++) {
        const xp = rt.tensor(xs.slice(p * 2 * Bm * 80, (p + 1) * 2 * Bm * 80), [Bm, 2, 8, 5], {
          dtype: 'complex64',
        });
        const wp = rt.tensor(ws.slice(p * 2 * 72, (p + 1) * 2 * 72), [2, 3, 4, 3], {
          dtype: 'complex64',
        });
        const one = await spectralMul(xp, wp).read();
        expect(all.slice(p * per, (p + 1) * per)).toEqual(one); // bit for bit: same sum order
      }
    } finally {
      rt.destroy();
    }
  });

  it('errors name the population and what is valid', async () => {
    const rt = await w.init();
    try {
      const z = (shape: number[]) => rt.zeros(shape, { dtype: 'complex64' });
      expect(() => spectralMul(z([5, 2, 8, 5]), z([3, 2, 3, 4, 5]))).toThrow(
        /spectral_mul: x \[5, 2, 8, 5\], w \[3, 2, 3, 4, 5\]: a population of 3 weights needs x's batch 5 to be a multiple of 3/,
      );
      expect(() => spectralMul(z([6, 3, 8, 5]), z([3, 2, 3, 4, 5]))).toThrow(
        /x has 3 channels but w expects 2 \(w's Cin, dim 1\)/,
      );
      expect(() => spectralWgrad(z([5, 2, 8, 5]), z([5, 3, 8, 5]), [4, 5], 2)).toThrow(
        /spectral_wgrad: .*population 2: population must be an integer >= 1 that divides the batch 5/,
      );
    } finally {
      rt.destroy();
    }
  });
});
