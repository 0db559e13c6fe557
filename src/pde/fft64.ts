/**
 * A small float64 FFT for the CPU references of src/pde (the GRF sampler and the Navier-Stokes
 * reference solver): radix-2, iterative (bit-reversal permutation, then log2 N butterfly passes),
 * in place on separate `re` / `im` arrays, power-of-two lengths only.
 *
 * Conventions: forward is X[k] = sum_j x[j] e^{-2 pi i jk/N}, inverse uses e^{+2 pi i jk/N}, and
 * neither scales (no 1/N), except `irfft2d64`, which follows torch.fft.irfft2 (norm 'backward').
 * Each twiddle is Math.cos / Math.sin of 2 pi k / N (no recurrences), so the error stays at a few
 * ulps times log2 N.
 */
import { WgnoError } from '../errors';

const OP = 'fft64';

interface Plan {
  /** cos(2 pi k / N) and sin(2 pi k / N) for k < N / 2. */
  cos: Float64Array;
  sin: Float64Array;
  /** rev[j]: j with its log2 N bits reversed. */
  rev: Uint32Array;
}

const plans = new Map<number, Plan>();

/** True for 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

function plan(n: number): Plan {
  const cached = plans.get(n);
  if (cached !== undefined) return cached;
  if (!isPowerOfTwo(n) || n > 2 ** 30) {
    throw new WgnoError(
      OP,
      `length ${n} is not supported; valid: a power of two 1, 2, 4, ..., 2^30`,
    );
  }
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let j = 1; j < n; j++) rev[j] = (rev[j >> 1] >> 1) | ((j & 1) << (bits - 1));
  const p = { cos, sin, rev };
  plans.set(n, p);
  return p;
}

/**
 * In-place unscaled complex FFT of `re` / `im` (same power-of-two length N).
 *
 * @example
 * const re = new Float64Array([1, 0, 0, 0]), im = new Float64Array(4);
 * fft64(re, im); // re = [1, 1, 1, 1]; fft64(re, im, true) then gives [4, 0, 0, 0]
 */
export function fft64(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new WgnoError(OP, `re has ${n} values but im has ${im.length}`);
  const { cos, sin, rev } = plan(n);
  for (let j = 0; j < n; j++) {
    const r = rev[j];
    if (r > j) {
      const t = re[j];
      re[j] = re[r];
      re[r] = t;
      const u = im[j];
      im[j] = im[r];
      im[r] = u;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size; // twiddle for butterfly k of this pass: e^{sign 2 pi i k / size}
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** Where the lines of a batched transform lie: line b, element j is at b * dist + j * stride. */
export interface FftLines {
  /** Transform length (a power of two). */
  n: number;
  /** Number of lines. */
  count: number;
  stride: number;
  dist: number;
}

/**
 * Unscaled FFTs of `count` strided lines of `re` / `im`, in place (each is gathered, transformed
 * with `fft64`, scattered back).
 *
 * @example
 * // the columns of a row-major [n0, n1] array
 * fftLines64(re, im, { n: n0, count: n1, stride: n1, dist: 1 });
 */
export function fftLines64(
  re: Float64Array,
  im: Float64Array,
  lines: FftLines,
  inverse = false,
): void {
  const { n, count, stride, dist } = lines;
  const last = (count - 1) * dist + (n - 1) * stride;
  if (count > 0 && (last >= re.length || last >= im.length)) {
    throw new WgnoError(
      OP,
      `lines (n ${n}, count ${count}, stride ${stride}, dist ${dist}) reach index ${last}, ` +
        `past the arrays (re ${re.length}, im ${im.length} values)`,
    );
  }
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  for (let b = 0; b < count; b++) {
    const base = b * dist;
    for (let j = 0; j < n; j++) {
      lr[j] = re[base + j * stride];
      li[j] = im[base + j * stride];
    }
    fft64(lr, li, inverse);
    for (let j = 0; j < n; j++) {
      re[base + j * stride] = lr[j];
      im[base + j * stride] = li[j];
    }
  }
}

function checkSize2d(re: Float64Array, im: Float64Array, n0: number, n1: number): void {
  if (re.length !== n0 * n1 || im.length !== n0 * n1) {
    throw new WgnoError(
      OP,
      `a [${n0}, ${n1}] array needs ${n0 * n1} values; got re ${re.length}, im ${im.length}`,
    );
  }
}

/**
 * Unscaled 2-D FFT of a row-major [n0, n1] complex array, in place: all rows, then all columns.
 *
 * @example
 * fft2d64(re, im, 8, 16); // forward; fft2d64(re, im, 8, 16, true) then gives 128 * the input
 */
export function fft2d64(
  re: Float64Array,
  im: Float64Array,
  n0: number,
  n1: number,
  inverse = false,
): void {
  checkSize2d(re, im, n0, n1);
  fftLines64(re, im, { n: n1, count: n0, stride: 1, dist: n1 }, inverse);
  fftLines64(re, im, { n: n0, count: n1, stride: n1, dist: 1 }, inverse);
}

/** A half spectrum [n0, n1 / 2 + 1] (row-major), as torch.fft.rfft2 returns it. */
export interface HalfSpectrum {
  re: Float64Array;
  im: Float64Array;
}

/**
 * torch.fft.rfft2 of a real row-major [n0, n1] array: unscaled, bins 0..n1/2 kept along axis 1,
 * all n0 bins along axis 0. Returns a new [n0, n1 / 2 + 1] half spectrum.
 */
export function rfft2d64(x: ArrayLike<number>, n0: number, n1: number): HalfSpectrum {
  const re = Float64Array.from(x);
  const im = new Float64Array(re.length);
  fft2d64(re, im, n0, n1);
  const m = (n1 >> 1) + 1;
  const out = { re: new Float64Array(n0 * m), im: new Float64Array(n0 * m) };
  for (let i = 0; i < n0; i++) {
    out.re.set(re.subarray(i * n1, i * n1 + m), i * m);
    out.im.set(im.subarray(i * n1, i * n1 + m), i * m);
  }
  return out;
}

/**
 * torch.fft.irfft2(h, s=(n0, n1)): inverse complex FFT along axis 0, then complex-to-real along
 * axis 1, which ignores the imaginary parts of bins 0 and n1/2 (there the Hermitian extension
 * keeps only the real part) and mirrors bins 1..n1/2-1 onto n1-1..n1/2+1. Scaled by 1/(n0 n1).
 * `h` is [n0, n1 / 2 + 1] (n1 even) and is not modified; returns the real [n0, n1] field.
 */
export function irfft2d64(h: HalfSpectrum, n0: number, n1: number): Float64Array {
  const m = (n1 >> 1) + 1;
  if (n1 % 2 !== 0 || h.re.length !== n0 * m || h.im.length !== n0 * m) {
    throw new WgnoError(
      OP,
      `irfft2d64 to [${n0}, ${n1}] needs an even n1 and a [${n0}, ${m}] half spectrum ` +
        `(${n0 * m} values); got re ${h.re.length}, im ${h.im.length}`,
    );
  }
  const cr = Float64Array.from(h.re);
  const ci = Float64Array.from(h.im);
  fftLines64(cr, ci, { n: n0, count: m, stride: m, dist: 1 }, true);
  const out = new Float64Array(n0 * n1);
  const rr = new Float64Array(n1);
  const ri = new Float64Array(n1);
  const scale = 1 / (n0 * n1);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < m; j++) {
      rr[j] = cr[i * m + j];
      ri[j] = j === 0 || j === m - 1 ? 0 : ci[i * m + j];
    }
    for (let j = m; j < n1; j++) {
      rr[j] = rr[n1 - j];
      ri[j] = -ri[n1 - j];
    }
    fft64(rr, ri, true);
    for (let j = 0; j < n1; j++) out[i * n1 + j] = rr[j] * scale;
  }
  return out;
}
