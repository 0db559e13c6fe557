/**
 * The forced gravity pendulum of the physics-informed DeepONet benchmarks (issue 14, SEEDS.md
 * section 2): theta'' + sin(theta) = v(t) on [0, 1], theta(0) = theta'(0) = 0, with the forcing v
 * drawn from a Gaussian random field (RBF kernel, length scale 0.2). The reference solution is
 * classical RK4 (float64) on a fine grid whose half steps are grid points, so v is sampled
 * exactly where RK4 evaluates it (no interpolation); theta and v are kept at the m sensors.
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';
import { Grf1d } from './grf1d';

/** Sizes and forcing law of `pendulumData`. */
export interface PendulumOptions {
  /** Number of forcing functions. */
  count: number;
  /** Sensors (and query points) m, equispaced on [0, 1] with both ends (default 100). */
  sensors?: number;
  /** GRF length scale of v (default 0.2). */
  lengthScale?: number;
  /** Fine grid points per sensor interval, even (default 10: RK4 steps of 1 / (5 (m - 1))). */
  refine?: number;
  /** Damping c of theta'' + c theta' + sin(theta) = v (default 0). */
  damping?: number;
}

/** Forcings and RK4 solutions at the sensors, from `pendulumData`. */
export interface PendulumData {
  /** Sensor / query times, [m]. */
  t: Float32Array;
  /** Forcing at the sensors, [count, m]. */
  v: Float32Array;
  /** The RK4 solution theta at the sensors, [count, m]. */
  theta: Float32Array;
}

/**
 * RK4 for theta'' + c theta' + sin(theta) = v from rest (damping c, default 0), given v at n
 * equispaced times of spacing h (n odd): steps of 2h whose midpoints are the odd samples.
 * Returns theta at the even samples.
 */
export function pendulumRk4(v: ArrayLike<number>, h: number, c = 0): Float64Array {
  if (v.length < 3 || v.length % 2 === 0)
    throw new WgnoError('pendulumRk4', `needs an odd number >= 3 of samples of v, got ${v.length}`);
  const steps = (v.length - 1) / 2;
  const out = new Float64Array(steps + 1);
  let [th, om] = [0, 0];
  const H = 2 * h;
  for (let s = 0; s < steps; s++) {
    const [v0, v1, v2] = [v[2 * s], v[2 * s + 1], v[2 * s + 2]];
    const acc = (vt: number, x: number, w: number) => vt - c * w - Math.sin(x);
    const [a1, b1] = [om, acc(v0, th, om)];
    const a2 = om + (H / 2) * b1;
    const b2 = acc(v1, th + (H / 2) * a1, a2);
    const a3 = om + (H / 2) * b2;
    const b3 = acc(v1, th + (H / 2) * a2, a3);
    const a4 = om + H * b3;
    const b4 = acc(v2, th + H * a3, a4);
    th += (H / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
    om += (H / 6) * (b1 + 2 * b2 + 2 * b3 + b4);
    out[s + 1] = th;
  }
  return out;
}

/**
 * `count` forcings and their pendulum solutions, drawn with `rng`.
 *
 * @example
 * const test = pendulumData(new Rng(1), { count: 100 }); // v, theta: [100, 100]
 */
export function pendulumData(rng: Rng, opts: PendulumOptions): PendulumData {
  const { count, sensors: m = 100, lengthScale = 0.2, refine = 10, damping = 0 } = opts;
  if (!Number.isInteger(m) || m < 2)
    throw new WgnoError('pendulumData', `sensors is ${m}; it must be an integer >= 2`);
  if (!Number.isInteger(refine) || refine < 2 || refine % 2 !== 0)
    throw new WgnoError('pendulumData', `refine is ${refine}; it must be an even integer >= 2`);
  const fine = (m - 1) * refine + 1;
  const vf = new Grf1d(Grf1d.linspace(0, 1, fine), { lengthScale }).sample(rng, count);
  const [v, theta] = [new Float32Array(count * m), new Float32Array(count * m)];
  const per = refine / 2; // RK4 steps per sensor interval
  for (let s = 0; s < count; s++) {
    const row = vf.subarray(s * fine, (s + 1) * fine);
    const th = pendulumRk4(row, 1 / (fine - 1), damping);
    for (let i = 0; i < m; i++) {
      v[s * m + i] = row[i * refine];
      theta[s * m + i] = th[i * per];
    }
  }
  return { t: Float32Array.from(Grf1d.linspace(0, 1, m)), v, theta };
}
