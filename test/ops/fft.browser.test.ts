/**
 * FFT and complex-helper op table. Tolerance (relative L2, forward): the error of an FFT grows like
 * log2(N) * 2^-24; we allow c * max(1, log2 L) * 2^-24 with c = 4 (measured on SwiftShader: 0.2 to 0.5
 * units for N = 2..4096, so c = 4 leaves room for other GPUs' rounding without hiding a bug), where L
 * is the length the kernels actually transform: N on the Stockham path, the Bluestein convolution
 * length M = 2^ceil(log2(2N - 1)) (three transforms of length M and two chirp products) otherwise.
 */
import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { cmul, complex, conj, imag, real, viewAsComplex, viewAsReal } from '../../src/ops/complex';
import { fft, ifft, irfft, rfft, type Norm } from '../../src/ops/fft';
import { fftPath } from '../../src/ops/fft_plan';
import { opSuite, type OpCase } from './harness';

const NORMS: Norm[] = ['backward', 'forward', 'ortho'];
const SIZES = [1, 2, 3, 5, 7, 8, 12, 17, 64, 97, 128, 256];

function tol(n: number): number {
  const len = fftPath(n) === 'stockham' ? n : 2 ** Math.ceil(Math.log2(2 * n - 1));
  const levels = Math.max(1, Math.log2(len)) + (fftPath(n) === 'stockham' ? 0 : 3);
  return 4 * levels * 2 ** -24;
}
const cx = (shape: number[]) => ({ shape, dtype: 'complex64' as const });

const forward: OpCase[] = [];
for (const n of SIZES) {
  for (const norm of NORMS) {
    forward.push({
      name: `fft N=${n} last axis ${norm}`,
      inputs: [cx([3, n])],
      fn: (x) => fft(x, -1, { norm }),
      tol: tol(n),
    });
  }
  forward.push({
    name: `ifft N=${n} last axis`,
    inputs: [cx([2, n])],
    fn: (x) => ifft(x, -1),
    tol: tol(n),
  });
  forward.push({
    name: `ifft(fft) round trip N=${n} ortho`,
    inputs: [cx([2, n])],
    fn: (x) => ifft(fft(x, -1, { norm: 'ortho' }), -1, { norm: 'ortho' }),
    tol: 2 * tol(n),
  });
}
for (const n of [1, 3, 8, 12, 17, 64, 97]) {
  forward.push({
    name: `fft N=${n} middle axis [2, ${n}, 3]`,
    inputs: [cx([2, n, 3])],
    fn: (x) => fft(x, 1, { norm: 'forward' }),
    tol: tol(n),
  });
  forward.push({
    name: `ifft N=${n} first axis [${n}, 5]`,
    inputs: [cx([n, 5])],
    fn: (x) => ifft(x, 0, { norm: 'ortho' }),
    tol: tol(n),
  });
}
for (const n of [1, 2, 3, 5, 8, 12, 17, 64, 97, 128, 256]) {
  for (const norm of NORMS) {
    forward.push({
      name: `rfft N=${n} ${norm}`,
      inputs: [{ shape: [3, n] }],
      fn: (x) => rfft(x, { norm }),
      tol: tol(n),
      skipGrad: true,
    });
    forward.push({
      name: `irfft n=${n} ${norm}`,
      inputs: [cx([3, Math.floor(n / 2) + 1])],
      fn: (z) => irfft(z, { n, norm }),
      tol: tol(n),
    });
  }
}
for (const [n, nOut] of [
  [64, 12],
  [17, 4],
  [12, 1],
  [97, 49],
]) {
  forward.push({
    name: `rfft N=${n} pruned to ${nOut} bins`,
    inputs: [{ shape: [2, 3, n] }],
    fn: (x) => rfft(x, { norm: 'forward', nOut }),
    tol: tol(n),
    skipGrad: true,
  });
}
for (const [n, m] of [
  [64, 12],
  [17, 5],
  [7, 1],
  [256, 7],
]) {
  forward.push({
    name: `irfft n=${n} from M=${m} bins`,
    inputs: [cx([2, m])],
    fn: (z) => irfft(z, { n, norm: 'forward' }),
    tol: tol(n),
  });
}
// Longer than one workgroup's memory (1024 complex): one dispatch per radix, and Bluestein with
// M > 1024; along the last and a middle axis, real and complex.
for (const [n, shape, axis] of [
  [2048, [2, 2048], 1],
  [1500, [2, 1500, 2], 1],
  [601, [2, 601], 1],
  [1031, [1031, 2], 0],
] as const) {
  forward.push({
    name: `multi-pass fft N=${n} shape [${shape.join(', ')}] axis ${axis}`,
    inputs: [cx([...shape])],
    fn: (x) => fft(x, axis, { norm: 'ortho' }),
    tol: tol(n),
  });
}
forward.push({
  name: 'multi-pass rfft N=2048 pruned to 40 bins',
  inputs: [{ shape: [2, 2048] }],
  fn: (x) => rfft(x, { nOut: 40 }),
  tol: tol(2048),
  skipGrad: true,
});
forward.push({
  name: 'multi-pass irfft n=1500 from 751 bins, n=601 from 20 bins',
  inputs: [cx([2, 751]), cx([2, 20])],
  fn: (a, b) =>
    w.concat([irfft(a, { n: 1500, norm: 'forward' }), irfft(b, { n: 601, norm: 'forward' })], 1),
  tol: tol(1500),
});
// rfftn-style transforms composed from per-axis calls: rfft on the last axis, fft on the others.
forward.push({
  name: '2-D rfft2 [2, 3, 12, 16] then irfft2',
  inputs: [{ shape: [2, 3, 12, 16] }],
  fn: (x) => {
    const z = fft(rfft(x, { norm: 'forward' }), 2, { norm: 'forward' });
    return irfft(fft(z, 2, { inverse: true, norm: 'forward' }), { n: 16, norm: 'forward' });
  },
  tol: 4 * tol(16),
  skipGrad: true,
});
forward.push({
  name: '2-D rfft2 [1, 2, 17, 10] spectrum',
  inputs: [{ shape: [1, 2, 17, 10] }],
  fn: (x) => fft(rfft(x, { norm: 'ortho' }), 2, { norm: 'ortho' }),
  tol: 2 * tol(17),
  skipGrad: true,
});
forward.push({
  name: '3-D rfft3 [1, 2, 6, 5, 8] spectrum',
  inputs: [{ shape: [1, 2, 6, 5, 8] }],
  fn: (x) => fft(fft(rfft(x, { norm: 'forward' }), 3, { norm: 'forward' }), 2, { norm: 'forward' }),
  tol: 3 * tol(8),
  skipGrad: true,
});
// Both lowerings of a line that fits in one dispatch ('auto' picks one per adapter).
for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`fft forward (${kernels})`, forward, { kernels });

// Gradient checks: f32 inputs through complex(), outputs back to f32 via view_as_real.
const grads: OpCase[] = [];
const pairIn = (shape: number[]) => [{ shape }, { shape }];
for (const n of [1, 4, 6, 7, 11]) {
  for (const norm of NORMS) {
    for (const inverse of [false, true]) {
      grads.push({
        name: `fft grad N=${n} ${norm} ${inverse ? 'inverse' : 'forward'}`,
        inputs: pairIn([2, n, 2]),
        fn: (a, b) => viewAsReal(fft(complex(a, b), 1, { norm, inverse })),
        tol: tol(n),
      });
    }
  }
}
for (const n of [1, 2, 6, 7, 11]) {
  const bins = Math.floor(n / 2) + 1;
  for (const norm of NORMS) {
    for (const nOut of new Set([bins, Math.max(1, bins - 2)])) {
      grads.push({
        name: `rfft grad N=${n} nOut=${nOut} ${norm}`,
        inputs: [{ shape: [2, n] }],
        fn: (x) => viewAsReal(rfft(x, { norm, nOut })),
        tol: tol(n),
      });
      grads.push({
        name: `irfft grad n=${n} M=${nOut} ${norm}`,
        inputs: pairIn([2, nOut]),
        fn: (a, b) => irfft(complex(a, b), { n, norm }),
        tol: tol(n),
      });
    }
  }
}
// Second-order: the VJP of the VJP (rfft <-> irfft with the adjoint weights).
grads.push({
  name: 'irfft(rfft) grad n=10 forward',
  inputs: [{ shape: [3, 10] }],
  fn: (x) => irfft(rfft(x, { norm: 'forward', nOut: 4 }), { n: 10, norm: 'forward' }),
});
for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`fft gradients (${kernels})`, grads, { kernels });

const complexCases: OpCase[] = [
  {
    name: 'real(cmul(complex(a, b), complex(c, d)))',
    inputs: [...pairIn([3, 4]), ...pairIn([3, 4])],
    fn: (a, b, c, d) => real(cmul(complex(a, b), complex(c, d))),
  },
  {
    name: 'imag(cmul) broadcast [2, 3, 4] x [4]',
    inputs: [...pairIn([2, 3, 4]), ...pairIn([4])],
    fn: (a, b, c, d) => imag(cmul(complex(a, b), complex(c, d))),
  },
  {
    name: 'view_as_real(cmul) broadcast [3, 1] x [1, 5]',
    inputs: [...pairIn([3, 1]), ...pairIn([1, 5])],
    fn: (a, b, c, d) => viewAsReal(cmul(complex(a, b), complex(c, d))),
  },
  {
    name: 'conj, complex broadcast [2, 3] + [3]',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (a, b) => viewAsReal(conj(complex(a, b))),
  },
  {
    name: 'view_as_complex round trip',
    inputs: [{ shape: [4, 2] }],
    fn: (x) => w.mul(viewAsReal(cmul(viewAsComplex(x), viewAsComplex(x))), x),
  },
  { name: 'real of complex64 input', inputs: [cx([5])], fn: real },
  { name: 'cmul complex64 inputs', inputs: [cx([2, 3]), cx([3])], fn: cmul },
];
opSuite('complex helpers', complexCases);

describe('fft errors', () => {
  it('name the op and the shapes', async () => {
    const rt = await w.init();
    try {
      const x = rt.tensor(new Float32Array(8), [2, 4]);
      const z = rt.tensor(new Float32Array(16), [2, 4], { dtype: 'complex64' });
      expect(() => fft(x)).toThrow(/fft: input has dtype f32 \[2, 4\]; fft takes complex64/);
      expect(() => rfft(z)).toThrow(/rfft: input has dtype complex64 \[2, 4\]; rfft takes f32/);
      expect(() => fft(z, 2)).toThrow(/fft: axis 2 is out of range for rank 2/);
      expect(() => rfft(x, { nOut: 4 })).toThrow(
        /rfft: nOut = 4 for input \[2, 4\].*1 <= nOut <= 3/,
      );
      expect(() => irfft(z, { n: 0 })).toThrow(/irfft: n = 0 for input \[2, 4\] with 4 bins/);
      expect(() => irfft(z, { n: 5 })).toThrow(
        /irfft: n = 5 for input \[2, 4\] with 4 bins.*n >= 6/,
      );
      expect(() => fft(z, -1, { norm: 'none' as Norm })).toThrow(/fft: norm 'none' is invalid/);
      expect(() => real(x)).toThrow(/real: input 0 has dtype f32 \[2, 4\]; real takes complex64/);
      expect(() => complex(z, z)).toThrow(/complex: input 0 has dtype complex64/);
      expect(() => viewAsComplex(x)).toThrow(
        /view_as_complex: input \[2, 4\] must have a last axis of size 2/,
      );
    } finally {
      rt.destroy();
    }
  });

  it('take Stockham for 7-smooth sizes and Bluestein otherwise', () => {
    expect([1, 8, 12, 98, 2 * 3 * 5 * 7].map(fftPath)).toEqual(Array(5).fill('stockham'));
    expect([11, 17, 97, 26].map(fftPath)).toEqual(Array(4).fill('bluestein'));
  });
});
