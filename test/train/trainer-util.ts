/**
 * Small models and data for the trainer tests: a pointwise linear model (channelLinear, so its
 * float64 reference is a few loops) and trajectories of a linear two-step recurrence that the
 * model can represent exactly, in the FNO paper's channel-as-time layout.
 */
import {
  Rng,
  channelLinear,
  type HostArray,
  type Runtime,
  type Tensor,
  type TrainableModel,
} from '../../src/index';

export class TinyLinear implements TrainableModel {
  readonly w: Tensor;
  readonly b: Tensor;
  constructor(
    rt: Runtime,
    readonly cin: number,
    readonly cout: number,
    seed: number,
  ) {
    const rng = new Rng(seed);
    this.w = rt.tensor(rng.normals(cout * cin, 0.3), [cout, cin], { requiresGrad: true });
    this.b = rt.tensor(rng.normals(cout, 0.1), [cout], { requiresGrad: true });
  }
  forward(x: Tensor): Tensor {
    return channelLinear(x, this.w, this.b);
  }
  namedParameters(): [string, Tensor][] {
    return [
      ['w', this.w],
      ['b', this.b],
    ];
  }
}

/** float64 forward of TinyLinear on one sample x [cin, N] -> [cout, N]. */
export function linearRef(w: Float32Array, b: Float32Array, x: Float64Array, cin: number) {
  const n = x.length / cin;
  const cout = b.length;
  const y = new Float64Array(cout * n);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < n; i++) {
      let s = b[o];
      for (let c = 0; c < cin; c++) s += w[o * cin + c] * x[c * n + i];
      y[o * n + i] = s;
    }
  return y;
}

/** ||a - b|| / (||b|| + 1e-8), neuraloperator's LpLoss for one (sample, channel). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / (Math.sqrt(den) + 1e-8);
}

/**
 * n trajectories of u_{k+1} = 0.3 u_{k-1} + 0.6 u_k + 0.1 (pointwise) on N points, split into the
 * first tIn steps (inputs [n, tIn, N]) and the next tOut (targets [n, tOut, N]).
 */
export function recurrence(
  seed: number,
  n: number,
  points: number,
  tIn: number,
  tOut: number,
): { inputs: HostArray; targets: HostArray } {
  const rng = new Rng(seed);
  const len = tIn + tOut;
  const x = new Float32Array(n * tIn * points);
  const y = new Float32Array(n * tOut * points);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < points; i++) {
      const u = [rng.normal(), rng.normal()];
      for (let k = 2; k < len; k++) u.push(0.3 * u[k - 2] + 0.6 * u[k - 1] + 0.1);
      for (let k = 0; k < len; k++) {
        if (k < tIn) x[(s * tIn + k) * points + i] = u[k];
        else y[(s * tOut + k - tIn) * points + i] = u[k];
      }
    }
  return {
    inputs: { data: x, shape: [n, tIn, points] },
    targets: { data: y, shape: [n, tOut, points] },
  };
}

/** Float32Array rows of a HostArray sample as float64. */
export function sample(a: HostArray, s: number): Float64Array {
  const per = a.data.length / a.shape[0];
  return Float64Array.from(a.data.subarray(s * per, (s + 1) * per));
}
