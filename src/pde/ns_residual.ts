/**
 * The residual of the 2-D vorticity Navier-Stokes equation on the unit torus for a window of
 * frames, r = dw/dt + u . grad w - nu lap w - f, and its negative Sobolev (H^-1) norm: the a
 * posteriori error estimator of Spectral-Refiner (Cao et al. 2024, arXiv 2405.17211). Built from
 * differentiable ops, so a model's output can be refined by gradient descent on the norm.
 *
 * Conventions are the FNO paper's solver (ns_reference.ts): axis 1 of w is x, axis 2 is y,
 * points i/n; psi_h = w_h / (4 pi^2 |k|^2), u = (psi_y, -psi_x); the nonlinear term in physical
 * space, then the 2/3 rule on it; the same wavenumber tables (nsWavenumber). Spatial transforms
 * use norm 'forward', so spectra hold Fourier coefficients and the norm is the continuous one:
 *   ||r(t)||_{-1}^2 = sum_k |r_k(t)|^2 / (alpha + 4 pi^2 |k|^2)   (Parseval; full spectrum),
 * then the RMS over the window's frames. (torch-cfd's SobolevLoss is n times this on an n x n grid.)
 *
 * dw/dt, two variants:
 *  - 'spectral': a spectral derivative in time. The window is not periodic, so a cubic matching
 *    its end values and end slopes is taken out first; what is left is one period of a periodic,
 *    continuously differentiable sequence, differentiated through a DFT over time, and the
 *    cubic's derivative is added back (spectralDerivative). With a straight line instead of the
 *    cubic the derivative of a smooth series sampled 20 times per period was 0.2 off (relative),
 *    with the cubic 3e-4.
 *  - 'implicit': torch-cfd's fine-tuning variant: dw/dt = (w' - w) / h from one semi-implicit
 *    (Crank-Nicolson viscous, explicit advection and forcing) solver step of size h from each frame,
 *    the residual then evaluated at w'. It uses no time differences between frames.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { add, mul, sub } from '../ops/binary';
import { cmul } from '../ops/complex';
import { matmul } from '../ops/matmul';
import { fft, irfft, rfft } from '../ops/fft';
import { permute } from '../ops/layout';
import { mean, sum } from '../ops/reduce';
import { sqrt, square } from '../ops/unary';
import { viewAsReal } from '../ops/complex';
import { nsDealias, nsWavenumber } from './ns_ops';
import { paperForcing } from './navier_stokes';

/** Options of nsResidual and nsResidualNorm. */
export interface NsResidualOptions {
  /** Time between consecutive frames of the window. */
  dt: number;
  /** Viscosity. Default 1e-3 (the FNO paper's data). */
  nu?: number;
  /** Forcing [n * n] row-major at the grid; default the FNO paper's 0.1 (sin + cos)(2 pi (x + y)). */
  forcing?: Float32Array;
  /** 'spectral' (default) or 'implicit' (see the module comment). */
  timeDerivative?: 'spectral' | 'implicit';
  /** Step of the 'implicit' variant. Default 1e-3 (torch-cfd's 1e-6 is for float64; in f32 (w' - w) / h would be rounding). */
  implicitStep?: number;
}

/** The H^-1 weight (alpha + 4 pi^2 |k|^2)^-1: alpha ~ 10^-1.5 as Spectral-Refiner's. */
export const DEFAULT_ALPHA = 10 ** -1.5;

const FWD = { norm: 'forward' } as const;
type Rt = Tensor['rt'];

/** Half-spectrum tables [n, n/2 + 1] as complex64 constants (none needs a gradient). */
function table(rt: Rt, n: number, f: (kx: number, ky: number, j: number) => [number, number]) {
  const m = n / 2 + 1;
  const data = new Float32Array(2 * n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const [kx, ky] = nsWavenumber(n, i, j);
      [data[2 * (i * m + j)], data[2 * (i * m + j) + 1]] = f(kx, ky, j);
    }
  return rt.tensor(data, [n, m], { dtype: 'complex64', label: 'ns_residual.table' });
}

const TWO_PI = 2 * Math.PI;
const lap4 = (kx: number, ky: number) => 4 * Math.PI ** 2 * (kx * kx + ky * ky);

/** rfft2 over the last two axes (x, y) with norm 'forward'. */
const rfft2 = (w: Tensor) => fft(rfft(w, FWD), -2, FWD);
const irfft2 = (h: Tensor, n: number) =>
  irfft(fft(h, -2, { inverse: true, ...FWD }), { n, ...FWD });

/** Spectral operators of an n x n grid, made once per call. */
function operators(rt: Rt, n: number) {
  const psi = (kx: number, ky: number) => (kx === 0 && ky === 0 ? 1 : lap4(kx, ky));
  return {
    u: table(rt, n, (kx, ky) => [0, (TWO_PI * ky) / psi(kx, ky)]),
    v: table(rt, n, (kx, ky) => [0, (-TWO_PI * kx) / psi(kx, ky)]),
    dx: table(rt, n, (kx) => [0, TWO_PI * kx]),
    dy: table(rt, n, (_kx, ky) => [0, TWO_PI * ky]),
    dealias: table(rt, n, (kx, ky) => [nsDealias(n, kx, ky), 0]),
  };
}

/** Dealiased rfft2 of u . grad w from the spectrum wh [..., n, n/2 + 1]. */
function nonlinear(wh: Tensor, n: number, ops: ReturnType<typeof operators>): Tensor {
  const back = (t: Tensor) => irfft2(cmul(wh, t), n);
  const prod = add(mul(back(ops.u), back(ops.dx)), mul(back(ops.v), back(ops.dy)));
  return cmul(rfft2(prod), ops.dealias);
}

/**
 * The spectral time derivative of a series of t samples `dt` apart, in float64 (module comment):
 * the cubic Hermite h through the end values and end slopes (second-order one-sided differences)
 * is taken out, so the rest g is zero with near-zero slope at both ends; g's samples 0..t-2 are
 * one period, differentiated through a DFT (Nyquist bin dropped); the result is g' + h'.
 */
export function spectralDerivative(s: ArrayLike<number>, dt: number): Float64Array {
  const t = s.length;
  const p = t - 1;
  const len = p * dt;
  const d0 = (-3 * s[0] + 4 * s[1] - s[2]) / (2 * dt);
  const d1 = (3 * s[p] - 4 * s[p - 1] + s[p - 2]) / (2 * dt);
  const g = new Float64Array(p);
  const out = new Float64Array(t);
  for (let k = 0; k < t; k++) {
    const x = k / p;
    const h = (2 * x ** 3 - 3 * x ** 2 + 1) * s[0] + (x ** 3 - 2 * x ** 2 + x) * len * d0;
    const h1 = (-2 * x ** 3 + 3 * x ** 2) * s[p] + (x ** 3 - x ** 2) * len * d1;
    if (k < p) g[k] = s[k] - h - h1;
    out[k] = ((6 * x ** 2 - 6 * x) / len) * (s[0] - s[p]) + (3 * x ** 2 - 4 * x + 1) * d0;
    out[k] += (3 * x ** 2 - 2 * x) * d1;
  }
  const gp = new Float64Array(p);
  for (let k = 1; 2 * k < p; k++) {
    let [re, im] = [0, 0];
    for (let q = 0; q < p; q++) {
      re += g[q] * Math.cos((TWO_PI * k * q) / p);
      im -= g[q] * Math.sin((TWO_PI * k * q) / p);
    }
    const w = (2 * TWO_PI * k) / (p * p * dt);
    for (let j = 0; j < p; j++) {
      const a = (TWO_PI * k * j) / p;
      gp[j] -= w * (re * Math.sin(a) + im * Math.cos(a));
    }
  }
  for (let k = 0; k < t; k++) out[k] += gp[k % p];
  return out;
}

/**
 * dw/dt [B, X, Y, T] of the window: spectralDerivative is linear, so it is a T x T matrix
 * (built on the host in float64) applied along time by one matmul.
 */
export function spectralTimeDerivative(w: Tensor, dt: number): Tensor {
  const t = w.shape[3];
  const dT = new Float32Array(t * t); // dT[q, k] = d out_k / d s_q
  for (let q = 0; q < t; q++) {
    const e = new Float64Array(t);
    e[q] = 1;
    spectralDerivative(e, dt).forEach((v, k) => (dT[q * t + k] = v));
  }
  return matmul(w, w.rt.tensor(dT, [t, t], { label: 'ns_residual.d/dt' }));
}

function check(w: Tensor, o: NsResidualOptions): number {
  const [, n, ny, t] = w.shape;
  const fail = (why: string) => {
    throw new WgnoError('nsResidual', `w ${fmtShape(w.shape)}: ${why}`);
  };
  if (w.shape.length !== 4 || n !== ny || n % 2 !== 0)
    fail('must be [batch, n, n, T] with n even (x, y, time)');
  if (t < 4 && (o.timeDerivative ?? 'spectral') === 'spectral')
    fail('the spectral time derivative needs T >= 4 frames');
  if (!(o.dt > 0)) fail(`dt = ${o.dt}; must be > 0`);
  if (o.forcing && o.forcing.length !== n * n)
    fail(`forcing has ${o.forcing.length} values; expected n * n = ${n * n}`);
  return n;
}

/**
 * The residual's spectrum [B, T, n, n/2 + 1] (complex64, Fourier coefficients) of a vorticity
 * window w [B, n, n, T] whose frames are `dt` apart.
 *
 * @example
 * const rh = nsResidual(w, { dt: 1 }); // w [1, 64, 64, 10] -> [1, 10, 64, 33]
 */
export function nsResidual(w: Tensor, opts: NsResidualOptions): Tensor {
  const n = check(w, opts);
  const rt = w.rt;
  const nu = opts.nu ?? 1e-3;
  const ops = operators(rt, n);
  const visc = table(rt, n, (kx, ky) => [nu * lap4(kx, ky), 0]); // -nu lap as a multiplier
  const f = rt.tensor(opts.forcing ?? paperForcing(n), [n, n], { label: 'ns_residual.f' });
  const frames = permute(w, [0, 3, 1, 2]); // [B, T, x, y]
  let wh = rfft2(frames);
  let wt: Tensor;
  if ((opts.timeDerivative ?? 'spectral') === 'spectral') {
    wt = rfft2(sub(permute(spectralTimeDerivative(w, opts.dt), [0, 3, 1, 2]), f));
  } else {
    // One semi-implicit step of size h: w' = (w + h (f - N) - h/2 nu L w) / (1 + h/2 nu L).
    const h = opts.implicitStep ?? 1e-3;
    const fh = rfft2(f); // [n, n/2 + 1], broadcast over batch and time
    const denom = table(rt, n, (kx, ky) => [1 / (1 + (h / 2) * nu * lap4(kx, ky)), 0]);
    const rhs = sub(sub(fh, nonlinear(wh, n, ops)), cmul(wh, visc));
    const next = cmul(add(wh, mulComplex(rhs, h, rt)), denom);
    wt = sub(mulComplex(sub(next, wh), 1 / h, rt), fh);
    wh = next;
  }
  return add(add(wt, nonlinear(wh, n, ops)), cmul(wh, visc));
}

/** A complex tensor times a real scalar (cmul with a constant). */
function mulComplex(z: Tensor, s: number, rt: Rt): Tensor {
  return cmul(z, rt.tensor([s, 0], [1], { dtype: 'complex64' }));
}

/**
 * The H^-1 norm per sample [B] of a residual spectrum rh [B, T, n, n/2 + 1] (from nsResidual):
 * sqrt(mean over t of sum_k |r_k(t)|^2 / (alpha + 4 pi^2 |k|^2)), full spectrum by Parseval
 * (interior half-spectrum columns count twice).
 *
 * @example
 * const loss = mean(hMinus1Norm(nsResidual(w, { dt: 1 })));
 */
export function hMinus1Norm(rh: Tensor, alpha = DEFAULT_ALPHA): Tensor {
  const n = rh.shape[2];
  const m = n / 2 + 1;
  const weight = new Float32Array(n * m * 2);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const [kx, ky] = nsWavenumber(n, i, j);
      const c = j === 0 || 2 * j === n ? 1 : 2;
      weight[2 * (i * m + j)] = weight[2 * (i * m + j) + 1] = c / (alpha + lap4(kx, ky));
    }
  const wt = rh.rt.tensor(weight, [n, m, 2], { label: 'ns_residual.h-1 weight' });
  const perStep = sum(mul(square(viewAsReal(rh)), wt), [2, 3, 4]); // [B, T]
  return sqrt(mean(perStep, 1));
}

/**
 * The batch mean of the H^-1 residual norms of vorticity windows w [B, n, n, T]: the loss of
 * Spectral-Refiner's refinement (a scalar tensor, differentiable in w).
 *
 * @example
 * const loss = nsResidualNorm(pred, { dt: 1, nu: 1e-3 }); // pred [1, 64, 64, 10]
 */
export function nsResidualNorm(w: Tensor, opts: NsResidualOptions & { alpha?: number }): Tensor {
  return mean(hMinus1Norm(nsResidual(w, opts), opts.alpha));
}
