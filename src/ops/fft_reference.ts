/**
 * The float64 references of the FFT ops (fft.ts), straight O(N^2) DFT sums, and the conventions
 * they share with the lowering: the norm's scale and the Hermitian weight of half-spectrum bins.
 */
import { numel, type Shape } from '../graph/shape';
import type { Norm } from './fft_plan';

/** The scale a transform of length n applies in the given direction. */
export function normScale(norm: Norm, inverse: boolean, n: number): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'forward') !== inverse ? 1 / n : 1;
}

/** Interior half-spectrum bins count twice in a real signal (k and n - k); DC and Nyquist once. */
const hermWeight = (k: number, n: number): number => (k === 0 || 2 * k === n ? 1 : 2);

/**
 * e^{sign 2 pi i jk/n} in float64, with jk reduced mod n exactly first; quarter turns are exact
 * (sin(pi) would be 1e-16, and a gradient that should be 0 would then compare as relative error 1).
 */
function cis(jk: number, n: number, sign: number): [number, number] {
  const r = jk % n;
  if ((4 * r) % n === 0) {
    const q = (4 * r) / n;
    return [[1, 0, -1, 0][q], sign * [0, 1, 0, -1][q]];
  }
  const t = (2 * Math.PI * r) / n;
  return [Math.cos(t), sign * Math.sin(t)];
}

/** fft along `axis` of x (complex64 [..., n, ...] interleaved). */
export function fftReference(
  x: Float64Array,
  shape: Shape,
  axis: number,
  inverse: boolean,
  norm: Norm,
): Float64Array {
  const n = shape[axis];
  const inner = numel(shape.slice(axis + 1));
  const outer = numel(shape) / (n * inner);
  const s = normScale(norm, inverse, n);
  const y = new Float64Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      for (let k = 0; k < n; k++) {
        let [re, im] = [0, 0];
        for (let j = 0; j < n; j++) {
          const [c, sn] = cis(j * k, n, inverse ? 1 : -1);
          const a = 2 * ((o * n + j) * inner + i);
          re += x[a] * c - x[a + 1] * sn;
          im += x[a] * sn + x[a + 1] * c;
        }
        const b = 2 * ((o * n + k) * inner + i);
        y[b] = s * re;
        y[b + 1] = s * im;
      }
  return y;
}

/** rfft of the last axis of x (f32 [..., n]): the first nOut bins, interior ones doubled by adjoint */
export function rfftReference(
  x: Float64Array,
  shape: Shape,
  norm: Norm,
  nOut: number,
  adjoint: boolean,
): Float64Array {
  const n = shape[shape.length - 1];
  const lines = numel(shape) / n;
  const s = normScale(norm, false, n);
  const y = new Float64Array(2 * lines * nOut);
  for (let l = 0; l < lines; l++)
    for (let k = 0; k < nOut; k++) {
      let [re, im] = [0, 0];
      for (let j = 0; j < n; j++) {
        const [c, sn] = cis(j * k, n, -1);
        re += x[l * n + j] * c;
        im += x[l * n + j] * sn;
      }
      const w = s * (adjoint ? hermWeight(k, n) : 1);
      y[2 * (l * nOut + k)] = w * re;
      y[2 * (l * nOut + k) + 1] = w * im;
    }
  return y;
}

/** irfft of the last axis of z (complex64 [..., m]) to length n; adjoint halves interior bins. */
export function irfftReference(
  z: Float64Array,
  shape: Shape,
  n: number,
  norm: Norm,
  adjoint: boolean,
): Float64Array {
  const m = shape[shape.length - 1];
  const lines = numel(shape) / m;
  const t = normScale(norm, true, n);
  const y = new Float64Array(lines * n);
  for (let l = 0; l < lines; l++)
    for (let j = 0; j < n; j++) {
      // x_j = t Re sum_k c_k Z_k e^{+2 pi i jk/n}, c_k the Hermitian weight (halved back by adjoint).
      let acc = 0;
      for (let k = 0; k < m; k++) {
        const [c, sn] = cis(j * k, n, 1);
        const re = z[2 * (l * m + k)];
        const im = hermWeight(k, n) === 1 ? 0 : z[2 * (l * m + k) + 1];
        acc += (adjoint ? 1 : hermWeight(k, n)) * (re * c - im * sn);
      }
      y[l * n + j] = t * acc;
    }
  return y;
}
