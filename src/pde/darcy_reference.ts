/**
 * The 2-D Darcy problem of the FNO paper, -div(a grad u) = f on the unit square with u = 0 on the
 * boundary, discretised by the standard 5-point finite-difference scheme; solved here in float64
 * on the CPU by a banded Cholesky factorisation (a direct solve, independent of the GPU's
 * conjugate gradient in src/pde/darcy.ts, whose reference it is).
 *
 * Conventions (shared with kernels/darcy.wgsl):
 * - an s x s grid of nodes including the boundary, row-major [s, s], node (i, j) at
 *   (x, y) = (i h, j h), h = 1 / (s - 1); a and f are given at the nodes, u = 0 on boundary nodes;
 * - the flux through the face between two neighbouring nodes uses the mean of a at those nodes:
 *   harmonic 2 a1 a2 / (a1 + a2) by default (exact for a layered medium, the usual choice for
 *   piecewise-constant a), or arithmetic (a1 + a2) / 2;
 * - the equation at an interior node, scaled by h^2: sum over its 4 faces k of
 *   c_k (u_ij - u_k) = h^2 f_ij. The matrix is symmetric positive definite.
 */
import { WgnoError } from '../errors';

/** How the coefficient on a cell face is taken from its two nodes: 2ab / (a + b) or (a + b) / 2. */
export type FaceMean = 'harmonic' | 'arithmetic';

/** Options of the Darcy finite-difference system (right-hand side, face coefficients). */
export interface DarcySystemOptions {
  /** Right-hand side: a constant or the s x s nodal values. Default 1 (the paper's). */
  f?: number | ArrayLike<number>;
  /** Mean of a on cell faces. Default 'harmonic'. */
  faceMean?: FaceMean;
}

/**
 * Face coefficients [s, s]: c0[i s + j] on the face between (i, j) and (i+1, j), c1[i s + j]
 * between (i, j) and (i, j+1); 0 where the neighbour does not exist.
 */
export interface DarcyFaces {
  s: number;
  c0: Float64Array;
  c1: Float64Array;
}

/** Throws unless s is an integer >= 3 (at least one interior node). */
export function checkGridSize(op: string, s: number): void {
  if (!Number.isInteger(s) || s < 3)
    throw new WgnoError(op, `s = ${s}; need an integer >= 3 (nodes per side, boundary included)`);
}

/**
 * Throws unless `a` holds whole s x s fields of finite coefficients > 0; returns the field count.
 * Names the first bad value by field and node.
 */
export function checkCoefficients(op: string, a: ArrayLike<number>, s: number): number {
  checkGridSize(op, s);
  const plane = s * s;
  if (a.length === 0 || a.length % plane !== 0)
    throw new WgnoError(
      op,
      `a has ${a.length} values; need a whole number >= 1 of s * s = ${plane}`,
    );
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (!(v > 0 && Number.isFinite(v))) {
      const [b, i, j] = [Math.floor(k / plane), Math.floor((k % plane) / s), k % s];
      throw new WgnoError(
        op,
        `coefficient a[${b}, ${i}, ${j}] is ${v}; the coefficient must be finite and > 0`,
      );
    }
  }
  return a.length / plane;
}

/** Throws unless f is a finite constant or finite values of length s * s or count * s * s. */
export function checkRhs(op: string, f: number | ArrayLike<number>, s: number, count = 1): void {
  if (typeof f === 'number') {
    if (!Number.isFinite(f)) throw new WgnoError(op, `f = ${f}; need a finite number`);
    return;
  }
  if (f.length !== s * s && f.length !== count * s * s)
    throw new WgnoError(
      op,
      `f has ${f.length} values; need s * s = ${s * s} (one grid) or ${count * s * s} (one per field)`,
    );
  for (let k = 0; k < f.length; k++)
    if (!Number.isFinite(f[k])) throw new WgnoError(op, `f[${k}] is ${f[k]}; need finite values`);
}

export function darcyFace(a1: number, a2: number, mean: FaceMean = 'harmonic'): number {
  return mean === 'harmonic' ? (2 * a1 * a2) / (a1 + a2) : 0.5 * (a1 + a2);
}

/** The face coefficients of one s x s field a. */
export function darcyFaces(
  a: ArrayLike<number>,
  s: number,
  mean: FaceMean = 'harmonic',
): DarcyFaces {
  const c0 = new Float64Array(s * s);
  const c1 = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      const n = i * s + j;
      if (i + 1 < s) c0[n] = darcyFace(a[n], a[n + s], mean);
      if (j + 1 < s) c1[n] = darcyFace(a[n], a[n + 1], mean);
    }
  return { s, c0, c1 };
}

/**
 * A v (the h^2-scaled operator) at interior nodes, 0 on boundary nodes; v's boundary values are
 * used as given (0 for a solution).
 */
export function darcyApply({ s, c0, c1 }: DarcyFaces, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(s * s);
  for (let i = 1; i < s - 1; i++)
    for (let j = 1; j < s - 1; j++) {
      const n = i * s + j;
      const [ce, cw, cs, cn] = [c0[n], c0[n - s], c1[n], c1[n - 1]];
      out[n] =
        (ce + cs + cw + cn) * v[n] - ce * v[n + s] - cw * v[n - s] - cs * v[n + 1] - cn * v[n - 1];
    }
  return out;
}

/** The right-hand side h^2 f at interior nodes, 0 on the boundary (f for field `b` of a batch). */
export function darcyRhs(s: number, f: number | ArrayLike<number> = 1, b = 0): Float64Array {
  const h2 = 1 / (s - 1) ** 2;
  const off = typeof f === 'number' || f.length === s * s ? 0 : b * s * s;
  const out = new Float64Array(s * s);
  for (let i = 1; i < s - 1; i++)
    for (let j = 1; j < s - 1; j++) {
      const n = i * s + j;
      out[n] = h2 * (typeof f === 'number' ? f : f[off + n]);
    }
  return out;
}

/**
 * The float64 solution [s, s] (zero boundary) for one coefficient field a [s, s], by banded
 * Cholesky over the (s - 2)^2 interior unknowns (bandwidth s - 2): O(s^4) work, fine to s ~ 100.
 *
 * @example
 * const u = solveDarcyReference(new Float64Array(33 * 33).fill(1), 33); // -Lap u = 1
 */
export function solveDarcyReference(
  a: ArrayLike<number>,
  s: number,
  opts: DarcySystemOptions = {},
): Float64Array {
  const op = 'solveDarcyReference';
  if (checkCoefficients(op, a, s) !== 1)
    throw new WgnoError(op, `a has ${a.length} values; need one field of s * s = ${s * s}`);
  const f = opts.f ?? 1;
  checkRhs(op, f, s);
  const faces = darcyFaces(a, s, opts.faceMean);
  const m = s - 2;
  const band = choleskyBand(faces, m);
  const rhs = darcyRhs(s, f);
  const y = new Float64Array(m * m);
  for (let i = 1; i < s - 1; i++)
    for (let j = 1; j < s - 1; j++) y[(i - 1) * m + j - 1] = rhs[i * s + j];
  solveBanded(band, m, y);
  const u = new Float64Array(s * s);
  for (let i = 1; i < s - 1; i++)
    for (let j = 1; j < s - 1; j++) u[i * s + j] = y[(i - 1) * m + j - 1];
  return u;
}

/**
 * The Cholesky factor L (A = L L^T) of the interior system, unknown k = (i - 1) m + (j - 1),
 * stored by rows as band[k (m + 1) + d] = L[k, k - d] for d = 0..m.
 */
function choleskyBand({ s, c0, c1 }: DarcyFaces, m: number): Float64Array {
  const w = m + 1;
  const n = m * m;
  const band = new Float64Array(n * w);
  for (let k = 0; k < n; k++) {
    const node = (Math.floor(k / m) + 1) * s + (k % m) + 1;
    band[k * w] = c0[node] + c1[node] + c0[node - s] + c1[node - 1];
    if (k % m > 0) band[k * w + 1] = -c1[node - 1]; // (i, j - 1)
    if (k >= m) band[k * w + m] = -c0[node - s]; // (i - 1, j)
  }
  for (let j = 0; j < n; j++) {
    let d = band[j * w];
    for (let p = Math.max(0, j - m); p < j; p++) d -= band[j * w + j - p] ** 2;
    if (!(d > 0))
      throw new WgnoError('solveDarcyReference', `matrix not positive definite at ${j}`);
    const ljj = Math.sqrt(d);
    band[j * w] = ljj;
    for (let i = j + 1; i <= Math.min(n - 1, j + m); i++) {
      let v = band[i * w + i - j];
      for (let p = Math.max(0, i - m); p < j; p++) v -= band[i * w + i - p] * band[j * w + j - p];
      band[i * w + i - j] = v / ljj;
    }
  }
  return band;
}

/** Solves L L^T y' = y in place. */
function solveBanded(band: Float64Array, m: number, y: Float64Array): void {
  const w = m + 1;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let v = y[i];
    for (let p = Math.max(0, i - m); p < i; p++) v -= band[i * w + i - p] * y[p];
    y[i] = v / band[i * w];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i];
    for (let k = i + 1; k <= Math.min(n - 1, i + m); k++) v -= band[k * w + k - i] * y[k];
    y[i] = v / band[i * w];
  }
}

/**
 * ||h^2 f - A u|| / ||h^2 f|| over the interior nodes, in float64, for one field u [s, s] (its
 * boundary values used as given); `field` picks f's field when f is [count, s, s].
 */
export function darcyResidual(
  a: ArrayLike<number>,
  u: ArrayLike<number>,
  s: number,
  opts: DarcySystemOptions & { field?: number } = {},
): number {
  const au = darcyApply(darcyFaces(a, s, opts.faceMean), u);
  const rhs = darcyRhs(s, opts.f ?? 1, opts.field ?? 0);
  let [num, den] = [0, 0];
  for (let i = 1; i < s - 1; i++)
    for (let j = 1; j < s - 1; j++) {
      const n = i * s + j;
      num += (rhs[n] - au[n]) ** 2;
      den += rhs[n] ** 2;
    }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}
