/**
 * The antiderivative operator of the DeepONet paper (Lu et al. 2021, section 4; DeepXDE's
 * examples/operator/antiderivative_aligned.py): G(v)(x) = integral_0^x v(s) ds on [0, 1], with v
 * drawn from a Gaussian random field (RBF kernel, length scale 0.2). Each v is sampled on a fine
 * grid of `refine` cells per sensor interval, the integral is the cumulative trapezoid rule on
 * that grid (error O(h^2 v''), about 1e-7 relative at the defaults), and both v and u are kept
 * at the m sensors, which are also the query points (the aligned Cartesian-product layout).
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';
import { Grf1d } from './grf1d';

/** Options of the antiderivative data set. */
export interface AntiderivativeOptions {
  /** Number of input functions. */
  count: number;
  /** Sensors (and query points) m, equispaced on [0, 1] with both ends (default 100). */
  sensors?: number;
  /** GRF length scale (default 0.2). */
  lengthScale?: number;
  /** Fine cells per sensor interval for the integral (default 10). */
  refine?: number;
}

/** The antiderivative data set: inputs v and outputs u = integral of v at the sensors. */
export interface AntiderivativeData {
  /** The m sensor / query coordinates, [m]. */
  x: Float32Array;
  /** Input functions at the sensors, [count, m]. */
  v: Float32Array;
  /** Their antiderivatives at the same points, [count, m]. */
  u: Float32Array;
}

/**
 * `count` pairs (v, u = integral of v) drawn with `rng`.
 *
 * @example
 * const train = antiderivativeData(new Rng(0), { count: 150 }); // v, u: [150, 100]
 */
export function antiderivativeData(rng: Rng, opts: AntiderivativeOptions): AntiderivativeData {
  const { count, sensors: m = 100, lengthScale = 0.2, refine = 10 } = opts;
  for (const [k, v, min] of [
    ['sensors', m, 2],
    ['refine', refine, 1],
    ['count', count, 1],
  ] as const)
    if (!Number.isInteger(v) || v < min)
      throw new WgnoError('antiderivativeData', `${k} is ${v}; it must be an integer >= ${min}`);
  const fine = (m - 1) * refine + 1;
  const grf = new Grf1d(Grf1d.linspace(0, 1, fine), { lengthScale });
  const vf = grf.sample(rng, count);
  const h = 1 / (fine - 1);
  const [v, u] = [new Float32Array(count * m), new Float32Array(count * m)];
  for (let s = 0; s < count; s++) {
    let acc = 0;
    for (let i = 0; i < fine; i++) {
      if (i > 0) acc += (h * (vf[s * fine + i - 1] + vf[s * fine + i])) / 2;
      if (i % refine === 0) {
        v[s * m + i / refine] = vf[s * fine + i];
        u[s * m + i / refine] = acc;
      }
    }
  }
  return { x: Float32Array.from(Grf1d.linspace(0, 1, m)), v, u };
}
