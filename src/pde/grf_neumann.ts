/**
 * Gaussian random fields on the unit square with zero Neumann boundary (cosine basis), the kind
 * the FNO paper draws its Darcy coefficients from: N(0, sigma^2 (-Lap + tau^2 I)^(-alpha)) with
 * Lap the Neumann Laplacian, alpha = 2, tau = 3 in the paper. (src/pde/grf.ts is the periodic
 * field of the Navier-Stokes data and needs power-of-two sizes; this one takes any s.)
 *
 * Karhunen-Loeve sum over the Neumann eigenfunctions phi_k1(x) phi_k2(y) of -Lap, orthonormal on
 * [0, 1]: phi_0 = 1, phi_k(x) = sqrt(2) cos(pi k x), eigenvalue pi^2 (k1^2 + k2^2):
 *   u(x, y) = sum_{k1, k2 < modes} w[k1, k2] z[k1, k2] phi_k1(x) phi_k2(y),
 *   w[k1, k2] = sigma (pi^2 (k1^2 + k2^2) + tau^2)^(-alpha/2),
 * with z standard normal and the constant mode (0, 0) left out (zero mean). Evaluated in float64
 * at the nodes x_i = i / (s - 1), i = 0..s-1 (the Darcy grid, boundary included), as two dense
 * products with the cosine table: O(modes s^2) per field. (The paper's data evaluate such a sum
 * with an inverse DCT on their own grid; the law of the field is the same, the sample points and
 * the random stream are not, so these are not the paper's samples.)
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';

const OP = 'grfNeumann';

/** Options of `sampleGrfNeumann`: the covariance sigma^2 (-Lap + tau^2)^(-alpha) with Neumann modes. */
export interface NeumannGrfOptions {
  /** Smoothness exponent. Default 2 (the paper's Darcy). */
  alpha?: number;
  /** Inverse length scale. Default 3 (the paper's Darcy: -Lap + 9 I). */
  tau?: number;
  /** Amplitude. Default 1. */
  sigma?: number;
  /** Modes per axis, k = 0..modes-1. Default s. */
  modes?: number;
}

function resolve(s: number, count: number, opts: NeumannGrfOptions) {
  const { alpha = 2, tau = 3, sigma = 1, modes = s } = opts;
  if (!Number.isInteger(s) || s < 2) throw new WgnoError(OP, `s is ${s}; need an integer >= 2`);
  if (!Number.isInteger(count) || count < 1)
    throw new WgnoError(OP, `count is ${count}; need an integer >= 1`);
  if (!Number.isInteger(modes) || modes < 2)
    throw new WgnoError(OP, `modes is ${modes}; need an integer >= 2`);
  for (const [name, v] of [
    ['alpha', alpha],
    ['tau', tau],
    ['sigma', sigma],
  ] as const)
    if (!(v > 0 && Number.isFinite(v)))
      throw new WgnoError(OP, `${name} is ${v}; it must be a finite number > 0`);
  return { alpha, tau, sigma, modes };
}

/**
 * The KL weights sigma (pi^2 (k1^2 + k2^2) + tau^2)^(-alpha/2), [modes, modes] row-major, with
 * weight[0] = 0 (no mean mode).
 */
export function grfNeumannWeights(s: number, opts: NeumannGrfOptions = {}): Float64Array {
  const { alpha, tau, sigma, modes } = resolve(s, 1, opts);
  const w = new Float64Array(modes * modes);
  for (let k1 = 0; k1 < modes; k1++)
    for (let k2 = 0; k2 < modes; k2++)
      w[k1 * modes + k2] = sigma * (Math.PI ** 2 * (k1 * k1 + k2 * k2) + tau * tau) ** (-alpha / 2);
  w[0] = 0;
  return w;
}

/** phi_k(x_i) for k < modes, i < s: [modes, s] row-major. */
function cosineTable(s: number, modes: number): Float64Array {
  const c = new Float64Array(modes * s);
  for (let k = 0; k < modes; k++)
    for (let i = 0; i < s; i++)
      c[k * s + i] = k === 0 ? 1 : Math.SQRT2 * Math.cos((Math.PI * k * i) / (s - 1));
  return c;
}

/**
 * Fields from given normals z [count, modes, modes] (k1 along axis 1, k2 along axis 2); returns
 * [count, s, s] float64, axis 1 is x.
 *
 * @example
 * const u = grfNeumannFromNormals(new Rng(0).normals(2 * 16 * 16), 16, 2); // modes = s = 16
 */
export function grfNeumannFromNormals(
  z: ArrayLike<number>,
  s: number,
  count: number,
  opts: NeumannGrfOptions = {},
): Float64Array {
  const { modes } = resolve(s, count, opts);
  const mm = modes * modes;
  if (z.length !== count * mm)
    throw new WgnoError(
      OP,
      `z has ${z.length} values; [count, modes, modes] = [${count}, ${modes}, ${modes}] needs ${count * mm}`,
    );
  const w = grfNeumannWeights(s, opts);
  const c = cosineTable(s, modes);
  const out = new Float64Array(count * s * s);
  const t = new Float64Array(modes * s); // t[k1, j] = sum_k2 w z [k1, k2] phi_k2(y_j)
  for (let b = 0; b < count; b++) {
    t.fill(0);
    for (let k1 = 0; k1 < modes; k1++)
      for (let k2 = 0; k2 < modes; k2++) {
        const v = w[k1 * modes + k2] * z[b * mm + k1 * modes + k2];
        for (let j = 0; j < s; j++) t[k1 * s + j] += v * c[k2 * s + j];
      }
    const u = out.subarray(b * s * s, (b + 1) * s * s);
    for (let k1 = 0; k1 < modes; k1++)
      for (let i = 0; i < s; i++) {
        const ci = c[k1 * s + i];
        for (let j = 0; j < s; j++) u[i * s + j] += ci * t[k1 * s + j];
      }
  }
  return out;
}

/**
 * `count` fields on the s x s node grid drawn with `rng` (z = rng.normals(count * modes^2), then
 * `grfNeumannFromNormals`), float64 [count, s, s].
 *
 * @example
 * const g = sampleGrfNeumann(new Rng(0), 64, 8); // 8 fields of the paper's Darcy GRF
 */
export function sampleGrfNeumann(
  rng: Rng,
  s: number,
  count: number,
  opts: NeumannGrfOptions = {},
): Float64Array {
  const { modes } = resolve(s, count, opts);
  return grfNeumannFromNormals(rng.normals(count * modes * modes), s, count, opts);
}
