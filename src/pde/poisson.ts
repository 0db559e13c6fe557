/**
 * The Poisson problem -lap u = f on the unit square with u = 0 on the boundary, solved in float64 on
 * the CPU by the 5-point finite-difference Laplacian and a fast sine-transform solve (the discrete
 * sine transform DST-I diagonalises the Dirichlet 5-point Laplacian exactly, so the solve is direct,
 * not iterative). The grid has s = 2^k + 1 nodes per side, node (i, j) at (x, y) = (i, j) h with
 * h = 1 / (s - 1) (axis -2 is x, as in src/pde/point_cloud.ts); the discretisation error is O(h^2).
 *
 * Sources for learning: sums of Gaussians f(x) = sum_k a_k exp(-|x - c_k|^2 / (2 w_k^2)), drawn
 * from a seeded `Rng` (src/pde/poisson_dataset.ts builds point-cloud datasets from them).
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';
import { fft64 } from './fft64';

const OP = 'poisson';

/** One Gaussian bump of a source: amplitude a (signed), centre (x, y), width w (standard deviation). */
export interface GaussianBump {
  x: number;
  y: number;
  w: number;
  a: number;
}

/** Ranges of `randomSource`'s draws. */
export interface SourceOptions {
  /** Number of bumps, drawn uniformly from [min, max]. Default [1, 4]. */
  count?: [number, number];
  /** Widths, uniform in [min, max]. Default [0.04, 0.12]. */
  width?: [number, number];
  /** |amplitude|, uniform in [min, max]; the sign is + or - with probability 1/2. Default [50, 150]. */
  amplitude?: [number, number];
  /** Centres are uniform in [margin, 1 - margin]^2. Default 0.15. */
  margin?: number;
}

/** The source sum_k a_k exp(-|p - c_k|^2 / (2 w_k^2)) at (x, y). */
export function evalSource(bumps: readonly GaussianBump[], x: number, y: number): number {
  let f = 0;
  for (const b of bumps) {
    const r2 = (x - b.x) ** 2 + (y - b.y) ** 2;
    f += b.a * Math.exp(-r2 / (2 * b.w * b.w));
  }
  return f;
}

/**
 * A random sum of Gaussians.
 *
 * @example
 * const bumps = randomSource(new Rng(3)); // 1 to 4 bumps, mixed signs
 */
export function randomSource(rng: Rng, opts: SourceOptions = {}): GaussianBump[] {
  const { count = [1, 4], width = [0.04, 0.12], amplitude = [50, 150], margin = 0.15 } = opts;
  const [c0, c1] = count;
  if (!Number.isInteger(c0) || !Number.isInteger(c1) || c0 < 1 || c1 < c0)
    throw new WgnoError(OP, `count range [${c0}, ${c1}]; need integers 1 <= min <= max`);
  if (!(margin >= 0 && margin < 0.5))
    throw new WgnoError(OP, `margin ${margin}; need 0 <= margin < 0.5`);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const n = c0 + Math.min(c1 - c0, Math.floor(rng.uniform() * (c1 - c0 + 1)));
  return Array.from({ length: n }, () => ({
    x: between(margin, 1 - margin),
    y: between(margin, 1 - margin),
    w: between(width[0], width[1]),
    a: (rng.uniform() < 0.5 ? -1 : 1) * between(amplitude[0], amplitude[1]),
  }));
}

/** Throws unless s = 2^k + 1 with k >= 1 (3, 5, 9, 17, ...), the sizes the sine transform takes. */
export function checkPoissonGrid(s: number): void {
  const m = s - 1;
  if (!Number.isInteger(s) || s < 3 || s > 4097 || (m & (m - 1)) !== 0)
    throw new WgnoError(
      OP,
      `grid size s = ${s}; valid: 2^k + 1 nodes per side (3, 5, 9, ..., 4097)`,
    );
}

/** The nodal values g(x_i, y_j) on the s x s grid, row-major (i along x). */
export function sampleGrid(s: number, g: (x: number, y: number) => number): Float64Array {
  checkPoissonGrid(s);
  const out = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) out[i * s + j] = g(i / (s - 1), j / (s - 1));
  return out;
}

/**
 * In-place DST-I of the `lines` lines of length m = 2^k - 1 in `a` (line l at a[off(l) + t * step]):
 * X_q = sum_t x_t sin(pi (t + 1)(q + 1) / (m + 1)), through one FFT of the odd extension of length
 * 2 (m + 1). DST-I is its own inverse up to the factor 2 / (m + 1).
 */
function dstLines(
  a: Float64Array,
  m: number,
  lines: number,
  off: (l: number) => number,
  step: number,
) {
  const n = 2 * (m + 1);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let l = 0; l < lines; l++) {
    re.fill(0);
    im.fill(0);
    const o = off(l);
    for (let t = 0; t < m; t++) {
      re[t + 1] = a[o + t * step];
      re[n - t - 1] = -a[o + t * step];
    }
    fft64(re, im);
    for (let q = 0; q < m; q++) a[o + q * step] = -im[q + 1] / 2;
  }
}

/**
 * Solves the 5-point discretisation of -lap u = f with u = 0 on the boundary of [0, 1]^2, exactly
 * (to rounding) by sine transforms: O(s^2 log s). `f` holds nodal values on the s x s grid
 * (row-major, i along x; its boundary values are not used); the result has zero boundary.
 *
 * @example
 * const f = sampleGrid(65, (x, y) => 2 * Math.PI ** 2 * Math.sin(Math.PI * x) * Math.sin(Math.PI * y));
 * const u = solvePoisson(f, 65); // ~ sin(pi x) sin(pi y), error O(h^2)
 */
export function solvePoisson(f: ArrayLike<number>, s: number): Float64Array {
  checkPoissonGrid(s);
  if (f.length !== s * s)
    throw new WgnoError(OP, `f has ${f.length} values; expected s * s = ${s * s} for s = ${s}`);
  const m = s - 2;
  const h = 1 / (s - 1);
  const w = new Float64Array(m * m); // interior, row-major [m, m]
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) w[i * m + j] = f[(i + 1) * s + j + 1];
  dstLines(w, m, m, (l) => l * m, 1); // along y
  dstLines(w, m, m, (l) => l, m); // along x
  const sin2 = Float64Array.from(
    { length: m },
    (_, p) => Math.sin(((p + 1) * Math.PI * h) / 2) ** 2,
  );
  const norm = (2 / (m + 1)) ** 2; // the inverse transform's factor, both directions
  for (let p = 0; p < m; p++)
    for (let q = 0; q < m; q++) w[p * m + q] *= (norm * h * h) / (4 * (sin2[p] + sin2[q]));
  dstLines(w, m, m, (l) => l * m, 1);
  dstLines(w, m, m, (l) => l, m);
  const u = new Float64Array(s * s);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) u[(i + 1) * s + j + 1] = w[i * m + j];
  return u;
}

/** Bilinear interpolation of nodal values g [s, s] at (x, y) in [0, 1]^2 (clamped); exact at nodes. */
export function interpolateGrid(g: ArrayLike<number>, s: number, x: number, y: number): number {
  const gx = Math.min(Math.max(x, 0), 1) * (s - 1);
  const gy = Math.min(Math.max(y, 0), 1) * (s - 1);
  const i = Math.min(Math.floor(gx), s - 2);
  const j = Math.min(Math.floor(gy), s - 2);
  const [tx, ty] = [gx - i, gy - j];
  const n = i * s + j;
  const low = (1 - ty) * g[n] + ty * g[n + 1];
  const high = (1 - ty) * g[n + s] + ty * g[n + s + 1];
  return (1 - tx) * low + tx * high;
}

/**
 * The finite-difference solution for a sum-of-Gaussians source, on the s x s grid.
 *
 * @example
 * const u = solveGaussianSource([{ x: 0.5, y: 0.5, w: 0.1, a: 100 }], 129);
 */
export function solveGaussianSource(bumps: readonly GaussianBump[], s: number): Float64Array {
  return solvePoisson(
    sampleGrid(s, (x, y) => evalSource(bumps, x, y)),
    s,
  );
}
