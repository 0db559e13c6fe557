/**
 * Gaussian random fields on the periodic unit square, exactly as the FNO paper's data code draws
 * the Navier-Stokes initial vorticity (`GaussianRF(2, size=n, alpha=2.5, tau=7)` in the FNO
 * repository's random_fields.py): N(0, sigma^2 (-Lap + tau^2 I)^{-alpha}) with the mean mode removed.
 *
 * Spectral recipe (float64): coeff = sqrt_eig * (z_re + i z_im) with z standard normal, and the
 * field is Re(ifft2(coeff)), where ifft2 includes the 1/n^2 (torch's `normalized=False`), with
 *   sqrt_eig[i, j] = n^2 sqrt(2) sigma (4 pi^2 (k_x^2 + k_y^2) + tau^2)^(-alpha/2), sqrt_eig[0, 0] = 0,
 *   k(i) = i for i < n/2 and i - n otherwise (index n/2 is -n/2), k_x along axis 0, k_y along axis 1,
 *   sigma = tau^(0.5 (2 alpha - 2)) unless given.
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';
import { fft2d64, isPowerOfTwo } from './fft64';

const OP = 'grf';

/** Parameters of the covariance sigma^2 (-Lap + tau^2 I)^{-alpha}. */
export interface GrfOptions {
  /** Smoothness exponent. Default 2.5 (the paper's). */
  alpha?: number;
  /** Inverse length scale. Default 7 (the paper's). */
  tau?: number;
  /** Amplitude. Default tau^(0.5 (2 alpha - 2)), as GaussianRF with dim = 2. */
  sigma?: number;
}

function checkPositive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) {
    throw new WgnoError(OP, `${name} is ${v}; it must be a finite number > 0`);
  }
}

function checkSizes(n: number, count: number): void {
  if (!isPowerOfTwo(n) || n < 2) {
    throw new WgnoError(OP, `n is ${n}; valid: a power of two >= 2 (2, 4, 8, ...)`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new WgnoError(OP, `count is ${count}; it must be an integer >= 1`);
  }
}

/** Signed wavenumber of FFT index i on an n-point axis: i for i < n/2, i - n otherwise. */
function wavenumber(i: number, n: number): number {
  return i < n / 2 ? i : i - n;
}

/**
 * sqrt_eig of GaussianRF (dim 2) as a row-major [n, n] Float64Array, sqrt_eig[0, 0] = 0.
 *
 * @example
 * const s = grfSqrtEig(64); // the paper's alpha 2.5, tau 7
 */
export function grfSqrtEig(n: number, opts: GrfOptions = {}): Float64Array {
  const { alpha = 2.5, tau = 7 } = opts;
  checkSizes(n, 1);
  checkPositive('alpha', alpha);
  checkPositive('tau', tau);
  const sigma = opts.sigma ?? tau ** (0.5 * (2 * alpha - 2));
  checkPositive('sigma', sigma);
  const out = new Float64Array(n * n);
  const scale = n * n * Math.SQRT2 * sigma;
  for (let i = 0; i < n; i++) {
    const kx = wavenumber(i, n);
    for (let j = 0; j < n; j++) {
      const ky = wavenumber(j, n);
      out[i * n + j] = scale * (4 * Math.PI ** 2 * (kx * kx + ky * ky) + tau * tau) ** (-alpha / 2);
    }
  }
  out[0] = 0;
  return out;
}

/**
 * Fields from given normals: z is [count, n, n, 2] (re, im interleaved in the last axis, the
 * layout of GaussianRF.sample's torch.randn(count, n, n, 2)); returns [count, n, n] float64.
 *
 * @example
 * const u = grfFromNormals(z, 16, 2); // two 16 x 16 fields
 */
export function grfFromNormals(
  z: Float64Array | Float32Array,
  n: number,
  count: number,
  opts: GrfOptions = {},
): Float64Array {
  checkSizes(n, count);
  const size = n * n;
  if (z.length !== count * size * 2) {
    throw new WgnoError(
      OP,
      `z has ${z.length} values; [count, n, n, 2] = [${count}, ${n}, ${n}, 2] needs ${count * size * 2}`,
    );
  }
  const sqrtEig = grfSqrtEig(n, opts);
  const out = new Float64Array(count * size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let b = 0; b < count; b++) {
    const zb = b * size * 2;
    for (let p = 0; p < size; p++) {
      re[p] = sqrtEig[p] * z[zb + 2 * p];
      im[p] = sqrtEig[p] * z[zb + 2 * p + 1];
    }
    fft2d64(re, im, n, n, true);
    for (let p = 0; p < size; p++) out[b * size + p] = re[p] / size;
  }
  return out;
}

/**
 * `count` fields of n x n drawn with `rng` (z = rng.normals(count * n * n * 2), then
 * `grfFromNormals`), rounded to float32: [count, n, n] row-major.
 *
 * @example
 * const w0 = sampleGrf2d(new Rng(0), 64, 8); // 8 initial vorticities for the NS benchmark
 */
export function sampleGrf2d(
  rng: Rng,
  n: number,
  count: number,
  opts: GrfOptions = {},
): Float32Array {
  checkSizes(n, count);
  return Float32Array.from(grfFromNormals(rng.normals(count * n * n * 2), n, count, opts));
}
