/**
 * Gaussian random fields (Gaussian processes) on an interval, as the DeepONet papers draw their
 * input functions (DeepXDE's `deepxde.data.GRF`): zero mean, covariance
 *   'rbf': k(x, y) = variance exp(-(x - y)^2 / (2 l^2))   (squared exponential, sklearn's RBF)
 *   'ae':  k(x, y) = variance exp(-|x - y| / l)           (absolute exponential, Matern 1/2)
 * with l the length scale, sampled exactly at the given points through the Cholesky factor of
 * the covariance matrix (float64). The RBF matrix is numerically singular for small l / spacing,
 * so, as DeepXDE adds 1e-13 I, a diagonal jitter is added: the smallest of 1e-12, 1e-11, ...
 * (times the variance) that the factorisation accepts, reported as `jitter`. Not periodic: for
 * the periodic Matern field of the Burgers data see `sampleGrf1d` in burgers.ts.
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';

const OP = 'Grf1d';

/** Options of `Grf1d`: the covariance kernel, its length scale and variance. */
export interface Grf1dOptions {
  /** Length scale l > 0 (default 1, DeepXDE's; the antiderivative benchmark uses 0.2). */
  lengthScale?: number;
  /** Covariance kernel (default 'rbf'). */
  kernel?: 'rbf' | 'ae';
  /** Variance of the field at every point (default 1). */
  variance?: number;
}

/**
 * A Gaussian random field at fixed points; the Cholesky factor is computed once, samples are
 * `L z` with z standard normal from a seeded Rng.
 *
 * @example
 * const grf = new Grf1d(Grf1d.linspace(0, 1, 100), { lengthScale: 0.2 });
 * const v = grf.sample(new Rng(0), 150); // [150, 100] float64: 150 input functions
 */
export class Grf1d {
  /** The points the field is sampled at. */
  readonly points: Float64Array;
  /** The diagonal jitter that made the covariance factorisable (times the variance). */
  readonly jitter: number;
  private readonly chol: Float64Array;

  constructor(points: ArrayLike<number>, opts: Grf1dOptions = {}) {
    const { lengthScale = 1, kernel = 'rbf', variance = 1 } = opts;
    positive('lengthScale', lengthScale);
    positive('variance', variance);
    if (kernel !== 'rbf' && kernel !== 'ae')
      throw new WgnoError(OP, `kernel is ${JSON.stringify(kernel)}; valid: 'rbf', 'ae'`);
    if (points.length < 1 || !Array.prototype.every.call(points, Number.isFinite))
      throw new WgnoError(OP, `needs at least one point, all finite; got ${points.length} points`);
    this.points = Float64Array.from(points);
    const cov = covariance(this.points, lengthScale, kernel, variance);
    for (let jitter = 1e-12; jitter <= 1e-6; jitter *= 10) {
      const l = cholesky(cov, this.points.length, jitter * variance);
      if (l) {
        [this.chol, this.jitter] = [l, jitter];
        return;
      }
    }
    throw new WgnoError(
      OP,
      `the covariance of ${points.length} points with length scale ${lengthScale} is not positive definite even with a jitter of 1e-6; use fewer points or a larger length scale`,
    );
  }

  /** n equispaced points from a to b, both included (numpy.linspace). */
  static linspace(a: number, b: number, n: number): Float64Array {
    if (!Number.isInteger(n) || n < 1) throw new WgnoError(OP, `linspace needs n >= 1, got ${n}`);
    return Float64Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
  }

  /** `count` fields at the points: [count, n] row-major, float64. */
  sample(rng: Rng, count: number): Float64Array {
    if (!Number.isInteger(count) || count < 1)
      throw new WgnoError(OP, `count is ${count}; it must be an integer >= 1`);
    const n = this.points.length;
    const out = new Float64Array(count * n);
    const z = new Float64Array(n);
    for (let s = 0; s < count; s++) {
      for (let j = 0; j < n; j++) z[j] = rng.normal();
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += this.chol[i * n + j] * z[j];
        out[s * n + i] = acc;
      }
    }
    return out;
  }
}

function positive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0)
    throw new WgnoError(OP, `${name} is ${v}; it must be a finite number > 0`);
}

function covariance(x: Float64Array, l: number, kernel: 'rbf' | 'ae', variance: number) {
  const n = x.length;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const d = Math.abs(x[i] - x[j]);
      const v = variance * (kernel === 'rbf' ? Math.exp(-(d * d) / (2 * l * l)) : Math.exp(-d / l));
      k[i * n + j] = k[j * n + i] = v;
    }
  return k;
}

/** Lower Cholesky factor of a + jitter I (row-major n x n), or null if not positive definite. */
function cholesky(a: Float64Array, n: number, jitter: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] + (i === j ? jitter : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  return l;
}
