/**
 * The diffusion-reaction equation of the physics-informed DeepONet benchmark (DeepXDE's
 * examples/operator/diff_rec_aligned_pideeponet.py; issue 14, SEEDS.md section 2):
 *
 *   u_t = D u_xx - k u^2 + f(x, t) on (x, t) in [0, 1] x [0, T], u = 0 at t = 0, x = 0 and x = 1,
 *
 * with D = k = 0.01 and f = v(x) a GRF sample in the benchmark. The reference solver is finite
 * differences in float64: second-order central differences in x, Crank-Nicolson in time (implicit:
 * the nonlinear step is solved by Newton's method, each iteration a tridiagonal solve), so it is
 * second order in h and dt (test/pde/diffusion_reaction.test.ts checks the rates against a
 * manufactured solution).
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';
import { latinHypercube } from './collocation';
import { Grf1d } from './grf1d';

/** Grid and coefficients of `solveDiffusionReaction`. */
export interface DiffusionReactionOptions {
  /** Grid points in x on [0, 1], both boundaries included (>= 3). */
  nx: number;
  /** Time steps on [0, T] (>= 1). */
  nt: number;
  /** Diffusivity D (default 0.01). */
  D?: number;
  /** Reaction rate k of the k u^2 term (default 0.01). */
  k?: number;
  /** Final time T (default 1). */
  T?: number;
}

/** A source: f(x, t), or the values of a time-independent v(x) at the nx grid points. */
export type DiffusionReactionSource = ((x: number, t: number) => number) | ArrayLike<number>;

function checkInt(op: string, name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min)
    throw new WgnoError(op, `${name} is ${n}; it must be an integer >= ${min}`);
}

/** Solves the tridiagonal system (sub a, diagonal b, super a) x = r in place of r (Thomas). */
function thomas(a: number, b: Float64Array, r: Float64Array): void {
  const n = r.length;
  const c = new Float64Array(n);
  let beta = b[0];
  r[0] /= beta;
  for (let i = 1; i < n; i++) {
    c[i] = a / beta;
    beta = b[i] - a * c[i];
    r[i] = (r[i] - a * r[i - 1]) / beta;
  }
  for (let i = n - 2; i >= 0; i--) r[i] -= c[i + 1] * r[i + 1];
}

/** The source at the grid points at time t (a time-independent v as given). */
function sourceAt(f: DiffusionReactionSource, x: Float64Array, t: number): Float64Array {
  if (typeof f === 'function') return x.map((xi) => f(xi, t));
  return Float64Array.from(f);
}

/**
 * One Crank-Nicolson step from u (interior values) to the returned w, by Newton's method on
 * (w - u)/dt - D/2 L(w + u) + k/2 (w^2 + u^2) - fMid = 0 with zero boundary values.
 */
function cnStep(u: Float64Array, fMid: Float64Array, dt: number, h2: number, D: number, k: number) {
  const n = u.length;
  const at = (v: Float64Array, i: number) => (i < 0 || i >= n ? 0 : v[i]);
  const lap = (v: Float64Array, i: number) => (at(v, i - 1) - 2 * v[i] + at(v, i + 1)) / h2;
  const w = Float64Array.from(u);
  const [rhs, diag] = [new Float64Array(n), new Float64Array(n)];
  for (let iter = 0; iter < 30; iter++) {
    for (let i = 0; i < n; i++) {
      const res =
        (w[i] - u[i]) / dt -
        (D / 2) * (lap(w, i) + lap(u, i)) +
        (k / 2) * (w[i] * w[i] + u[i] * u[i]) -
        fMid[i];
      rhs[i] = -res;
      diag[i] = 1 / dt + D / h2 + k * w[i];
    }
    thomas(-D / (2 * h2), diag, rhs);
    let step = 0;
    for (let i = 0; i < n; i++) {
      w[i] += rhs[i];
      step = Math.max(step, Math.abs(rhs[i]));
    }
    if (step <= 1e-14 * (1 + Math.max(...w.map(Math.abs)))) break;
  }
  return w;
}

/**
 * The solution on the grid x_i = i / (nx - 1), t_n = n T / nt: a Float64Array [nt + 1, nx]
 * (row n is time t_n). The source is either f(x, t) or v at the nx grid points.
 *
 * @example
 * const u = solveDiffusionReaction(v, { nx: 101, nt: 100 }); // v: 101 values of v(x)
 */
export function solveDiffusionReaction(
  source: DiffusionReactionSource,
  opts: DiffusionReactionOptions,
): Float64Array {
  const op = 'solveDiffusionReaction';
  const { nx, nt, D = 0.01, k = 0.01, T = 1 } = opts;
  checkInt(op, 'nx', nx, 3);
  checkInt(op, 'nt', nt, 1);
  if (typeof source !== 'function' && source.length !== nx)
    throw new WgnoError(
      op,
      `v has ${source.length} values; it needs nx = ${nx} (one per grid point)`,
    );
  for (const [name, val] of [
    ['D', D],
    ['k', k],
    ['T', T],
  ] as const)
    if (!(Number.isFinite(val) && val >= 0 && (name !== 'T' || val > 0)))
      throw new WgnoError(
        op,
        `${name} is ${val}; it must be finite and ${name === 'T' ? '> 0' : '>= 0'}`,
      );
  const x = Float64Array.from({ length: nx }, (_, i) => i / (nx - 1));
  const [dt, h2] = [T / nt, 1 / (nx - 1) ** 2];
  const out = new Float64Array((nt + 1) * nx);
  let u = new Float64Array(nx - 2);
  let f0 = sourceAt(source, x, 0);
  for (let s = 0; s < nt; s++) {
    const f1 = typeof source === 'function' ? sourceAt(source, x, (s + 1) * dt) : f0;
    const fMid = Float64Array.from({ length: nx - 2 }, (_, i) => (f0[i + 1] + f1[i + 1]) / 2);
    u = cnStep(u, fMid, dt, h2, D, k);
    out.set(u, (s + 1) * nx + 1);
    f0 = f1;
  }
  return out;
}

/** Sizes of `diffusionReactionData`. */
export interface DiffusionReactionDataOptions {
  /** Number of forcings v. */
  count: number;
  /** Sensors m of v (and query points in x), equispaced on [0, 1] (default 50, DeepXDE's). */
  sensors?: number;
  /** Query times, equispaced on [0, 1] with both ends (default: sensors). */
  times?: number;
  /** Solver grid points per sensor interval in x and steps per query interval in t (default 4). */
  refine?: number;
  /** GRF length scale of v (default 0.2). */
  lengthScale?: number;
}

/** Forcings and reference solutions from `diffusionReactionData`. */
export interface DiffusionReactionData {
  /** Sensor / query positions, [m]. */
  x: Float32Array;
  /** Query times, [nt]. */
  t: Float32Array;
  /** v at the sensors, [count, m]. */
  v: Float32Array;
  /** v on the solver's grid x_j = j / (fine - 1), [count, fine], for the forcing at any x. */
  vFine: Float64Array;
  /** u at (t_n, x_i), [count, nt, m]. */
  u: Float32Array;
}

/**
 * `count` forcings v(x) (GRF, RBF kernel) and their solutions u(x, t), drawn with `rng`.
 *
 * @example
 * const test = diffusionReactionData(new Rng(1), { count: 100 }); // v [100, 50], u [100, 50, 50]
 */
export function diffusionReactionData(
  rng: Rng,
  opts: DiffusionReactionDataOptions,
): DiffusionReactionData {
  const op = 'diffusionReactionData';
  const { count, sensors: m = 50, refine = 4, lengthScale = 0.2 } = opts;
  const mt = opts.times ?? m;
  checkInt(op, 'count', count, 1);
  checkInt(op, 'sensors', m, 2);
  checkInt(op, 'times', mt, 2);
  checkInt(op, 'refine', refine, 1);
  const fine = (m - 1) * refine + 1;
  const vFine = new Grf1d(Grf1d.linspace(0, 1, fine), { lengthScale }).sample(rng, count);
  const [v, u] = [new Float32Array(count * m), new Float32Array(count * mt * m)];
  for (let s = 0; s < count; s++) {
    const row = vFine.subarray(s * fine, (s + 1) * fine);
    const sol = solveDiffusionReaction(row, { nx: fine, nt: (mt - 1) * refine });
    for (let i = 0; i < m; i++) v[s * m + i] = row[i * refine];
    for (let n = 0; n < mt; n++)
      for (let i = 0; i < m; i++) u[(s * mt + n) * m + i] = sol[n * refine * fine + i * refine];
  }
  const lin = (n: number) => Float32Array.from(Grf1d.linspace(0, 1, n));
  return { x: lin(m), t: lin(mt), v, vFine: Float64Array.from(vFine), u };
}

/**
 * Linear interpolation of functions sampled on the uniform grid of [0, 1]: values [count, fine]
 * -> [count, xs.length] at the points xs (clamped to [0, 1]). The forcing of a collocation point.
 *
 * @example
 * const f = interpolateUniform(data.vFine, data.v.length / 50, xs); // v at each x of xs
 */
export function interpolateUniform(
  values: ArrayLike<number>,
  count: number,
  xs: ArrayLike<number>,
): Float32Array {
  const fine = values.length / count;
  if (!Number.isInteger(fine) || fine < 2)
    throw new WgnoError(
      'interpolateUniform',
      `${values.length} values are not ${count} rows of >= 2`,
    );
  const out = new Float32Array(count * xs.length);
  for (let j = 0; j < xs.length; j++) {
    const p = Math.min(Math.max(xs[j], 0), 1) * (fine - 1);
    const i = Math.min(Math.floor(p), fine - 2);
    const w = p - i;
    for (let s = 0; s < count; s++)
      out[s * xs.length + j] = (1 - w) * values[s * fine + i] + w * values[s * fine + i + 1];
  }
  return out;
}

/** One physics-informed training batch from `DiffusionReactionSampler.batch`. */
export interface DiffusionReactionBatch {
  /** Forcings at the sensors, [B, m]. */
  v: Float32Array;
  /** Collocation points (x, t), the same N for every function, repeated: [B * N, 2]. */
  xt: Float32Array;
  /** v at each row's x, [B * N]. */
  f: Float32Array;
}

/**
 * Draws training batches for the physics-informed benchmark: B fresh GRF forcings (sampled on
 * the solver's fine grid, kept at m sensors) and N Latin-hypercube points of [0, 1]^2 shared by
 * them, with the forcing at every point by linear interpolation. Drawing new forcings every few
 * hundred iterations is what lets the operator generalise beyond a fixed training set.
 *
 * @example
 * const sampler = new DiffusionReactionSampler({ sensors: 50 });
 * const { v, xt, f } = sampler.batch(rng, 50, 200); // [50, 50], [10000, 2], [10000]
 */
export class DiffusionReactionSampler {
  private readonly grf: Grf1d;
  private readonly m: number;
  private readonly refine: number;

  constructor(opts: { sensors?: number; refine?: number; lengthScale?: number } = {}) {
    const { sensors = 50, refine = 4, lengthScale = 0.2 } = opts;
    checkInt('DiffusionReactionSampler', 'sensors', sensors, 2);
    checkInt('DiffusionReactionSampler', 'refine', refine, 1);
    [this.m, this.refine] = [sensors, refine];
    this.grf = new Grf1d(Grf1d.linspace(0, 1, (sensors - 1) * refine + 1), { lengthScale });
  }

  /** B forcings and N shared collocation points, drawn with rng. */
  batch(rng: Rng, B: number, N: number): DiffusionReactionBatch {
    const fine = (this.m - 1) * this.refine + 1;
    const vFine = this.grf.sample(rng, B);
    const v = new Float32Array(B * this.m);
    for (let s = 0; s < B; s++)
      for (let i = 0; i < this.m; i++) v[s * this.m + i] = vFine[s * fine + i * this.refine];
    const pts = latinHypercube(rng, N, { lo: [0, 0], hi: [1, 1] });
    const xt = new Float32Array(B * N * 2);
    for (let s = 0; s < B; s++) xt.set(pts, s * N * 2);
    const xs = Float32Array.from({ length: N }, (_, j) => pts[2 * j]);
    return { v, xt, f: interpolateUniform(vFine, B, xs) };
  }
}
