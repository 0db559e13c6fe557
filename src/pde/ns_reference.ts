/**
 * The FNO paper's pseudo-spectral Navier-Stokes solver in float64 on the CPU: the reference for
 * the GPU solver (src/pde/navier_stokes.ts). It follows `navier_stokes_2d(w0, f, visc, T, delta_t,
 * record_steps)` of the FNO repository (ns_2d.py, torch.fft version) operation for operation:
 *
 * - vorticity w on the unit torus, n x n row-major, axis 0 is x, axis 1 is y, points i/n;
 * - state: the half spectrum w_h = rfft2(w) (unscaled), [n, n/2 + 1]; inverses are torch's
 *   irfft2 (imaginary parts of the DC and Nyquist columns ignored, 1/n^2), see `irfft2d64`;
 * - stream function psi_h = w_h / lap, velocity (psi_y, -psi_x), nonlinear term u . grad w in
 *   physical space, 2/3-rule dealiasing, Crank-Nicolson on the viscous term, explicit forcing.
 *
 * The Crank-Nicolson step is written as the paper writes it (w_h multiplied by (1 - h) / (1 + h));
 * in float64 its rounding is far below anything measured against it. `dealias: 'state'` adds the
 * other convention (the new state masked by the 2/3 rule after every step).
 */
import { WgnoError } from '../errors';
import { NS_DEALIASING, nsDealias, nsLaplacian, nsWavenumber, type NsDealiasing } from './ns_ops';
import { irfft2d64, isPowerOfTwo, rfft2d64, type HalfSpectrum } from './fft64';

const OP = 'ns_reference';

/** Per-bin tables over the half spectrum, each [n, m] row-major with m = n/2 + 1. */
export interface NsTables {
  n: number;
  m: number;
  /** k_x(i) = i for i < n/2, i - n otherwise (row i = n/2 has k_x = -n/2). */
  kx: Float64Array;
  /** k_y(j) = j for j < n/2 and -n/2 for the Nyquist column j = n/2 (the paper's full-spectrum k). */
  ky: Float64Array;
  /** 4 pi^2 (k_x^2 + k_y^2), with lap[0, 0] = 1 so that psi_h = w_h / lap is finite. */
  lap: Float64Array;
  /** 1 where |k_x| <= (2/3)(n/2) and |k_y| <= (2/3)(n/2), else 0. */
  dealias: Float64Array;
}

function checkN(n: number): void {
  if (!isPowerOfTwo(n) || n < 4) {
    throw new WgnoError(OP, `n is ${n}; valid: a power of two >= 4 (4, 8, 16, ...)`);
  }
}

/**
 * The wavenumber, Laplacian and dealiasing tables of an n x n grid, shared with the GPU solver.
 *
 * @example
 * const { kx, ky, lap, dealias } = nsWavenumbers(64); // each 64 * 33 values
 */
export function nsWavenumbers(n: number): NsTables {
  checkN(n);
  const m = n / 2 + 1;
  const size = n * m;
  const [kx, ky, lap, dealias] = [0, 0, 0, 0].map(() => new Float64Array(size));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const p = i * m + j;
      [kx[p], ky[p]] = nsWavenumber(n, i, j);
      lap[p] = nsLaplacian(kx[p], ky[p]);
      dealias[p] = nsDealias(n, kx[p], ky[p]);
    }
  }
  return { n, m, kx, ky, lap, dealias };
}

/**
 * The paper's forcing f[i, j] = 0.1 (sin(2 pi (x_i + y_j)) + cos(2 pi (x_i + y_j))), x_i = i/n,
 * y_j = j/n, as a row-major [n, n] Float64Array.
 */
export function nsForcing(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1)
    throw new WgnoError(OP, `n is ${n}; it must be an integer >= 1`);
  const f = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const t = 2 * Math.PI * (i / n + j / n);
      f[i * n + j] = 0.1 * (Math.sin(t) + Math.cos(t));
    }
  }
  return f;
}

/** irfft2(c * 2 pi i * k * h) with c = +-1: a spectral derivative, back in physical space. */
function derivative(h: HalfSpectrum, k: Float64Array, c: number, n: number): Float64Array {
  const re = new Float64Array(k.length);
  const im = new Float64Array(k.length);
  for (let p = 0; p < k.length; p++) {
    const s = c * 2 * Math.PI * k[p];
    re[p] = -s * h.im[p];
    im[p] = s * h.re[p];
  }
  return irfft2d64({ re, im }, n, n);
}

/**
 * The dealiased nonlinear term F_h = dealias * rfft2(u . grad w) of the half spectrum `wh`, with
 * u = (psi_y, -psi_x) and psi_h = w_h / lap (the paper's q, v, w_x, w_y).
 */
export function nsNonlinear(wh: HalfSpectrum, t: NsTables): HalfSpectrum {
  const { n, kx, ky, lap } = t;
  const psi = { re: wh.re.map((v, p) => v / lap[p]), im: wh.im.map((v, p) => v / lap[p]) };
  const q = derivative(psi, ky, 1, n);
  const v = derivative(psi, kx, -1, n);
  const wx = derivative(wh, kx, 1, n);
  const wy = derivative(wh, ky, 1, n);
  const prod = q.map((qp, p) => qp * wx[p] + v[p] * wy[p]);
  const fh = rfft2d64(prod, n, n);
  for (let p = 0; p < fh.re.length; p++) {
    fh.re[p] *= t.dealias[p];
    fh.im[p] *= t.dealias[p];
  }
  return fh;
}

/**
 * One Crank-Nicolson step, in place on `wh`:
 * w_h = (-dt F_h + dt f_h + (1 - dt nu lap / 2) w_h) / (1 + dt nu lap / 2), then, with
 * `dealias = 'state'`, w_h times the 2/3-rule mask. `fh` is rfft2 of the forcing.
 */
export function nsStep(
  wh: HalfSpectrum,
  fh: HalfSpectrum,
  t: NsTables,
  nu: number,
  dt: number,
  dealias: NsDealiasing = 'nonlinear',
): void {
  const nl = nsNonlinear(wh, t);
  for (let p = 0; p < wh.re.length; p++) {
    const a = 0.5 * dt * nu * t.lap[p];
    const after = dealias === 'state' ? t.dealias[p] : 1;
    wh.re[p] = (after * (-dt * nl.re[p] + dt * fh.re[p] + (1 - a) * wh.re[p])) / (1 + a);
    wh.im[p] = (after * (-dt * nl.im[p] + dt * fh.im[p] + (1 - a) * wh.im[p])) / (1 + a);
  }
}

/** Options of `solveNsReference`. */
export interface NsReferenceOptions {
  /** Viscosity (the benchmark's 1e-3). */
  nu: number;
  /** Time step (the paper's 1e-4). */
  dt: number;
  /** Number of steps. */
  steps: number;
  /** A record after every `recordEvery` steps; must divide `steps`. */
  recordEvery: number;
  /** Forcing, [n, n] row-major. Default `nsForcing(n)`. */
  forcing?: Float64Array;
  /** Which 2/3-rule convention (see `NsDealiasing`). Default 'nonlinear', the paper's. */
  dealias?: NsDealiasing;
}

function checkOptions(w0: ArrayLike<number>, n: number, opts: NsReferenceOptions): void {
  checkN(n);
  const fail = (msg: string): never => {
    throw new WgnoError(OP, msg);
  };
  if (w0.length !== n * n) fail(`w0 has ${w0.length} values; an n x n grid needs ${n * n}`);
  const f = opts.forcing;
  if (f !== undefined && f.length !== n * n) {
    fail(`forcing has ${f.length} values; an n x n grid needs ${n * n}`);
  }
  for (const key of ['nu', 'dt'] as const) {
    const v = opts[key];
    if (!Number.isFinite(v) || v <= 0) fail(`${key} is ${v}; it must be a finite number > 0`);
  }
  if (opts.dealias !== undefined && !NS_DEALIASING.includes(opts.dealias))
    fail(`dealias is ${String(opts.dealias)}; valid: ${NS_DEALIASING.join(', ')}`);
  const { steps, recordEvery } = opts;
  if (!Number.isInteger(steps) || steps < 1) fail(`steps is ${steps}; it must be an integer >= 1`);
  if (!Number.isInteger(recordEvery) || recordEvery < 1 || steps % recordEvery !== 0) {
    fail(`recordEvery is ${recordEvery}; it must be an integer >= 1 that divides steps (${steps})`);
  }
}

/**
 * Runs the paper's solver from vorticity `w0` ([n, n] row-major) and returns the physical
 * vorticity irfft2(w_h) after every `recordEvery` steps: steps / recordEvery fields, in order.
 *
 * @example
 * const w0 = grfFromNormals(z, 64, 1);
 * const traj = solveNsReference(w0, 64, { nu: 1e-3, dt: 1e-4, steps: 10000, recordEvery: 10000 });
 */
export function solveNsReference(
  w0: Float64Array | Float32Array,
  n: number,
  opts: NsReferenceOptions,
): Float64Array[] {
  checkOptions(w0, n, opts);
  const t = nsWavenumbers(n);
  const fh = rfft2d64(opts.forcing ?? nsForcing(n), n, n);
  const wh = rfft2d64(w0, n, n);
  const records: Float64Array[] = [];
  for (let s = 1; s <= opts.steps; s++) {
    nsStep(wh, fh, t, opts.nu, opts.dt, opts.dealias);
    if (s % opts.recordEvery === 0) records.push(irfft2d64(wh, n, n));
  }
  return records;
}
