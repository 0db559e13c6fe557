import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { complex, imag, real } from '../../src/ops/complex';
import { concat } from '../../src/ops/concat';
import { spectralMul, spectralWgrad } from '../../src/ops/spectral';
import { opSuite, type OpCase } from './harness';

type MulOpts = { adjoint?: boolean; outLast?: number };
const c64 = (shape: number[]) => ({ shape, dtype: 'complex64' as const });

/**
 * Forward cases on complex64 leaves: [name, x shape, w shape, options]. Spectra are rfft-shaped:
 * a grid n_1 x ... x n_d gives [B, C, n_1, ..., n_d / 2 + 1] unless pruned.
 */
const products: [string, number[], number[], MulOpts?][] = [
  ['1-D n 16, k 5 (odd), B 1, Cin 3 -> Cout 2', [1, 3, 9], [3, 2, 5]],
  ['1-D n 16, k 9 = n/2+1 (Nyquist bin kept), B 3, Cin 2 -> Cout 5', [3, 2, 9], [2, 5, 9]],
  ['1-D pruned M 6 < 9, outLast 9 > M', [2, 3, 6], [3, 4, 5], { outLast: 9 }],
  ['1-D outLast = k (pruned inverse)', [2, 3, 9], [3, 2, 5], { outLast: 5 }],
  ['2-D 10 x 11 grid, k 5 x 3 (odd)', [2, 3, 10, 6], [3, 4, 5, 3]],
  ['2-D k 12 = n 12 along axis 2 (even, whole axis), B 1', [1, 2, 12, 5], [2, 3, 12, 4]],
  ['2-D 7 x 8 grid, k 3 x 4, B 3, Cout 5', [3, 2, 7, 5], [2, 5, 3, 4]],
  ['2-D k 12 x 7 on 16 x 16, Cin 6', [2, 6, 16, 9], [6, 4, 12, 7]],
  ['3-D 6 x 5 x 6 grid, k 4 x 3 x 3', [2, 2, 6, 5, 4], [2, 3, 4, 3, 3]],
  ['3-D modes = grid 4 x 3 x 4 (Nyquist along every axis)', [1, 3, 4, 3, 3], [3, 2, 4, 3, 3]],
  ['3-D pruned, outLast 4 > M 2, B 3', [3, 2, 5, 4, 2], [2, 3, 3, 4, 2], { outLast: 4 }],
  // adjoint: x has Cout channels and the result Cin.
  ['adjoint 1-D, Cout 4 -> Cin 3', [2, 4, 9], [3, 4, 5], { adjoint: true }],
  ['adjoint 2-D, outLast 8 > M 6', [3, 4, 10, 6], [3, 4, 5, 3], { adjoint: true, outLast: 8 }],
  ['adjoint 3-D, B 1', [1, 2, 6, 5, 4], [3, 2, 4, 3, 3], { adjoint: true }],
];
const wgrads: [string, number[], number[], number[]][] = [
  ['wgrad 1-D, B 1, 3 x 2 channels, k 5', [1, 3, 9], [1, 2, 9], [5]],
  ['wgrad 2-D, B 3, Ma 6 != Mb 8, 6 x 5 channels, k 5 x 3', [3, 6, 10, 6], [3, 5, 10, 8], [5, 3]],
  ['wgrad 2-D k = n 12 x 5', [2, 2, 12, 5], [2, 3, 12, 5], [12, 5]],
  ['wgrad 3-D, k 3 x 4 x 2', [2, 3, 5, 4, 3], [2, 2, 5, 4, 2], [3, 4, 2]],
];

const forward: OpCase[] = [
  ...products.map(([name, x, wt, o]) => ({
    name: `spectral_mul ${name}`,
    inputs: [c64(x), c64(wt)],
    fn: (a: w.Tensor, b: w.Tensor) => spectralMul(a, b, o),
  })),
  ...wgrads.map(([name, a, b, modes]) => ({
    name: `spectral_${name}`,
    inputs: [c64(a), c64(b)],
    fn: (p: w.Tensor, q: w.Tensor) => spectralWgrad(p, q, modes),
  })),
  {
    // x2 = (x + x) - x: the dead intermediate x + x has the output's size, so the planner may
    // hand its (non-zero) storage to the product, whose zero fill must then overwrite it.
    name: 'spectral_mul writes zeros over a reused arena slot',
    inputs: [c64([2, 3, 10, 6]), c64([3, 3, 5, 3])],
    fn: (x, wt) => spectralMul(w.sub(w.add(x, x), x), wt),
  },
];
opSuite('spectral ops (forward, complex64 leaves)', forward);

/** Re and im side by side, so the cotangent of each is independent. */
const reim = (y: w.Tensor) => concat([real(y), imag(y)], 0);
/** |y|^2: a nonlinear read-out, so the VJP is checked at a point that depends on y. */
const abs2 = (y: w.Tensor) => w.add(w.square(real(y)), w.square(imag(y)));
const f32 = (shape: number[]) => [{ shape }, { shape }];

const grads: OpCase[] = [
  ...(
    [
      ['1-D k 5, B 1, Cin 3 -> Cout 2', [1, 3, 9], [3, 2, 5], {}, reim],
      ['1-D pruned M 6, outLast 9, B 3', [3, 2, 6], [2, 4, 5], { outLast: 9 }, reim],
      ['2-D 10 x 11, k 5 x 3, Cout 5', [2, 3, 10, 6], [3, 5, 5, 3], {}, reim],
      ['2-D k 12 = n along axis 2, |y|^2', [1, 2, 12, 5], [2, 3, 12, 4], {}, abs2],
      ['2-D k 3 x 4, B 3', [3, 2, 7, 5], [2, 3, 3, 4], {}, reim],
      ['3-D k 4 x 3 x 3', [2, 2, 6, 5, 4], [2, 3, 4, 3, 3], {}, reim],
      ['adjoint 2-D, outLast 8', [2, 4, 10, 6], [3, 4, 5, 3], { adjoint: true, outLast: 8 }, reim],
      [
        'adjoint 3-D modes = grid, |y|^2',
        [1, 2, 4, 3, 3],
        [3, 2, 4, 3, 3],
        { adjoint: true },
        abs2,
      ],
    ] as [string, number[], number[], MulOpts, (y: w.Tensor) => w.Tensor][]
  ).map(([name, x, wt, o, out]) => ({
    name: `grad spectral_mul ${name}`,
    inputs: [...f32(x), ...f32(wt)],
    fn: (xr: w.Tensor, xi: w.Tensor, wr: w.Tensor, wi: w.Tensor) =>
      out(spectralMul(complex(xr, xi), complex(wr, wi), o)),
  })),
  ...(
    [
      ['1-D, B 1', [1, 3, 9], [1, 2, 9], [5], reim],
      ['2-D, B 3, Ma 6 != Mb 8', [3, 3, 10, 6], [3, 5, 10, 8], [5, 3], reim],
      ['3-D, |W|^2', [2, 2, 5, 4, 3], [2, 3, 5, 4, 2], [3, 4, 2], abs2],
    ] as [string, number[], number[], number[], (y: w.Tensor) => w.Tensor][]
  ).map(([name, a, b, modes, out]) => ({
    name: `grad spectral_wgrad ${name}`,
    inputs: [...f32(a), ...f32(b)],
    fn: (ar: w.Tensor, ai: w.Tensor, br: w.Tensor, bi: w.Tensor) =>
      out(spectralWgrad(complex(ar, ai), complex(br, bi), modes)),
  })),
  {
    // The FNO pattern: the same spectrum feeds two layers' weights; gradients accumulate.
    name: 'grad spectral_mul x reused by two weights',
    inputs: [...f32([2, 3, 8, 5]), ...f32([3, 3, 4, 3])],
    fn: (xr, xi, wr, wi) => {
      const x = complex(xr, xi);
      const wt = complex(wr, wi);
      return reim(
        w.add(spectralMul(x, wt), spectralMul(spectralMul(x, wt), wt, { adjoint: true })),
      );
    },
  },
];
opSuite('spectral ops (gradients through complex(re, im) and real/imag)', grads);

describe('spectral errors', () => {
  it('name the op, the shapes and what would be valid', async () => {
    const rt = await w.init();
    try {
      const z = (shape: number[]) => rt.zeros(shape, { dtype: 'complex64' });
      expect(() => spectralMul(z([1, 2, 8, 5]), z([2, 3, 12, 5]))).toThrow(
        /spectral_mul: 12 modes along axis 2 need at least 12 frequencies; the input has 8 \(x \[1, 2, 8, 5\], w \[2, 3, 12, 5\]\)/,
      );
      expect(() => spectralMul(z([1, 2, 8, 4]), z([2, 3, 4, 5]))).toThrow(
        /spectral_mul: 5 modes along axis 3 need at least 5 half-spectrum bins; the input has 4/,
      );
      expect(() => spectralMul(z([1, 3, 8, 5]), z([2, 3, 4, 5]))).toThrow(
        /spectral_mul: x \[1, 3, 8, 5\], w \[2, 3, 4, 5\]: x has 3 channels but w expects 2 \(w's Cin, dim 0\)/,
      );
      expect(() => spectralMul(z([1, 2, 8, 5]), z([2, 3, 4, 5]), { adjoint: true })).toThrow(
        /spectral_mul: x \[1, 2, 8, 5\], w \[2, 3, 4, 5\] \(adjoint\): x has 2 channels but w expects 3 \(w's Cout, dim 1\)/,
      );
      expect(() => spectralMul(z([1, 2, 8, 5]), z([2, 3, 4, 5]), { outLast: 4 })).toThrow(
        /spectral_mul: .*outLast 4 cannot hold the 5 kept last-axis modes; it must be an integer >= 5/,
      );
      expect(() => spectralMul(z([1, 2, 8, 5]), z([2, 3, 5]))).toThrow(
        /spectral_mul: x \[1, 2, 8, 5\], w \[2, 3, 5\]: w must be \[Cin, Cout, k_1, ..., k_d\]/,
      );
      expect(() => spectralMul(z([1, 2, 2, 2, 2, 2]), z([2, 3, 1, 1, 1, 1]))).toThrow(
        /spectral_mul: .*expected \[B, C, n_1, ..., n_d\] with d = 1, 2 or 3/,
      );
      const f = rt.zeros([1, 2, 8, 5]);
      expect(() => spectralMul(f, z([2, 3, 4, 5]))).toThrow(
        /spectral_mul: x \[1, 2, 8, 5\] has dtype f32; spectral_mul takes complex64/,
      );
      expect(() => spectralWgrad(z([2, 2, 8, 5]), z([3, 3, 8, 5]), [4, 5])).toThrow(
        /spectral_wgrad: a \[2, 2, 8, 5\], b \[3, 3, 8, 5\], modes \[4, 5\]: a and b must agree in rank, batch/,
      );
      expect(() => spectralWgrad(z([2, 2, 8, 5]), z([2, 3, 8, 3]), [4, 5])).toThrow(
        /spectral_wgrad: 5 modes along axis 3 need at least 5 half-spectrum bins; the input has 3/,
      );
      expect(() => spectralWgrad(z([2, 2, 8, 5]), z([2, 3, 8, 5]), [4])).toThrow(
        /spectral_wgrad: .*need 2 window sizes \(integers >= 1\), got \[4\]/,
      );
    } finally {
      rt.destroy();
    }
  });

  it('are bitwise deterministic run to run', async () => {
    const rt = await w.init();
    try {
      const rng = new w.Rng(7);
      const a = rt.tensor(rng.normals(2 * 5 * 4 * 12 * 7), [5, 4, 12, 7], { dtype: 'complex64' });
      const b = rt.tensor(rng.normals(2 * 5 * 6 * 12 * 7), [5, 6, 12, 7], { dtype: 'complex64' });
      const first = await spectralWgrad(a, b, [12, 7]).read();
      const second = await spectralWgrad(a, b, [12, 7]).read();
      expect(Array.from(second)).toEqual(Array.from(first));
    } finally {
      rt.destroy();
    }
  });
});
