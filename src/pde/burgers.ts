/**
 * Exact solutions of the viscous Burgers equation u_t + u u_x = nu u_xx on the periodic unit
 * interval, by the Cole-Hopf transform: u = -2 nu phi_x / phi where phi solves the heat equation
 * phi_t = nu phi_xx from phi_0 = exp(-U_0 / (2 nu)), U_0' = u_0. Spectral in float64, so data for
 * the FNO paper's 1-D benchmark (initial condition -> solution at time t) costs milliseconds and
 * needs no time stepping. The initial condition must have zero mean (then phi_0 is periodic).
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';
import { fft64, isPowerOfTwo } from './fft64';

/** Options of `burgersColeHopf`. */
export interface BurgersOptions {
  /** Viscosity. Default 0.1 (the FNO paper's). */
  nu?: number;
  /** Final time. Default 1. */
  t?: number;
}

function check(n: number, nu: number, t: number): void {
  if (!isPowerOfTwo(n) || n < 4)
    throw new WgnoError('burgers', `grid n = ${n}; need a power of two >= 4`);
  if (!(nu > 0 && Number.isFinite(nu))) throw new WgnoError('burgers', `nu = ${nu}; need > 0`);
  if (!(t >= 0 && Number.isFinite(t))) throw new WgnoError('burgers', `t = ${t}; need >= 0`);
}

/** Wavenumber of DFT bin k on the unit interval: 2 pi k for k < n/2, 2 pi (k - n) above. */
const wave = (k: number, n: number) => 2 * Math.PI * (k <= n / 2 ? k : k - n);

/**
 * u(x_i, t) at x_i = i/n from u0 (length n, zero mean to round-off). Resolve the solution: phi
 * varies like exp(max |U_0| / (2 nu)), so small nu needs a fine grid (solve fine, then subsample).
 */
export function burgersColeHopf(u0: ArrayLike<number>, opts: BurgersOptions = {}): Float64Array {
  const { nu = 0.1, t = 1 } = opts;
  const n = u0.length;
  check(n, nu, t);
  const re = Float64Array.from(u0);
  const im = new Float64Array(n);
  fft64(re, im);
  // Zero to round-off (relative 1e-6 admits float32 data).
  if (Math.abs(re[0]) > 1e-6 * n * Math.max(1e-30, ...Array.from(u0, Math.abs)))
    throw new WgnoError('burgers', `u0 has mean ${re[0] / n}; Cole-Hopf needs zero mean`);
  // U0 = integral of u0 (a spectral antiderivative; its constant cancels in phi_x / phi).
  re[0] = im[0] = 0;
  for (let k = 1; k < n; k++) {
    const w = k === n / 2 ? 0 : wave(k, n);
    const [a, b] = [re[k], im[k]];
    [re[k], im[k]] = w === 0 ? [0, 0] : [b / w, -a / w];
  }
  fft64(re, im, true); // unscaled: re = n * U0
  for (let i = 0; i < n; i++) re[i] /= n;
  const phi = new Float64Array(n);
  const scale = Math.max(...re.map((v) => -v / (2 * nu)));
  for (let i = 0; i < n; i++) phi[i] = Math.exp(-re[i] / (2 * nu) - scale);
  // Heat equation in Fourier space, then phi and phi_x back on the grid.
  const pr = Float64Array.from(phi);
  const pi = new Float64Array(n);
  fft64(pr, pi);
  const dr = new Float64Array(n);
  const di = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const w = wave(k, n);
    const decay = Math.exp(-nu * w * w * t);
    pr[k] *= decay;
    pi[k] *= decay;
    if (k !== n / 2) [dr[k], di[k]] = [-w * pi[k], w * pr[k]];
  }
  fft64(pr, pi, true); // both unscaled by the same n, which cancels in the ratio
  fft64(dr, di, true);
  return pr.map((p, i) => (-2 * nu * dr[i]) / p);
}

/**
 * A zero-mean Gaussian random field on n points of the unit interval, N(0, sigma^2 (-Lap +
 * tau^2 I)^(-alpha)) (the FNO paper's Burgers initial conditions: sigma 25, tau 5, alpha 2), with
 * wavenumbers 1..modes (default: all below Nyquist). The same seed and `modes` give the same field
 * at every grid size n > 2 modes: solve fine, train coarse.
 */
export function sampleGrf1d(
  rng: Rng,
  n: number,
  opts: { sigma?: number; tau?: number; alpha?: number; modes?: number } = {},
): Float64Array {
  const { sigma = 25, tau = 5, alpha = 2, modes = n / 2 - 1 } = opts;
  if (!isPowerOfTwo(n) || n < 4 || !(Number.isInteger(modes) && modes >= 1 && modes < n / 2))
    throw new WgnoError(
      'sampleGrf1d',
      `n = ${n}, modes = ${modes}; need n a power of two >= 4 and 1 <= modes < n/2`,
    );
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 1; k <= modes; k++) {
    const w = wave(k, n);
    // Bins k and n - k are conjugate: mode k contributes 2 Re(c e^{2 pi i k x}), variance amp^2.
    const amp = (sigma * (w * w + tau * tau) ** (-alpha / 2)) / 2;
    [re[k], im[k]] = [amp * rng.normal(), amp * rng.normal()];
    [re[n - k], im[n - k]] = [re[k], -im[k]];
  }
  fft64(re, im, true); // unscaled inverse: the sum over modes, as wanted
  return re;
}
