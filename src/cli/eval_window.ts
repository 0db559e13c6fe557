/**
 * `wgno eval` of a space-time FNO: one window per trajectory (frames 0..tIn-1 in, the next tOut
 * predicted at once), scored plain and, with `--refine K`, after K iterations of Spectral-Refiner
 * (src/train/refine.ts) on that window. Refinement uses no data: records are one time unit apart
 * (wgno ns-generate, the FNO paper's data), so dt = 1, and the viscosity is the data set's
 * metadata `nu` (1e-3 when absent); the forcing is the FNO paper's.
 */
import { WgnoError } from '../errors';
import type { HostTensor } from '../io/host_tensor';
import type { SpaceTimeFNO } from '../models/spacetime_fno';
import { refine, type RefineOptions } from '../train/refine';
import type { StepErrors } from './eval';
import type { Progress } from './progress';

/** The refinement flags of `wgno eval`. */
export interface RefineArgs {
  /** Iterations (absent: no refinement). */
  refine?: number;
  refineLrWeight?: number;
  refineLrBias?: number;
  /** [mx, my, mt] of the refined output layer. */
  refineModes?: [number, number, number];
  /** H^-1 weight offset alpha of the residual norm. */
  refineAlpha?: number;
  /** 'spectral' or 'implicit' dw/dt. */
  refineDwdt?: 'spectral' | 'implicit';
}

/** The windows to score: trajectories first..first+count-1 of u [n, s, s, T]. */
export interface Windows {
  u: HostTensor;
  tIn: number;
  tOut: number;
  first: number;
  count: number;
  nu: number;
}

/** Frames t0..t0+len-1 of trajectory i of u, channels-last [s, s, len]. */
function frames(u: HostTensor, i: number, t0: number, len: number): Float32Array {
  const [, s, , T] = u.shape;
  const out = new Float32Array(s * s * len);
  for (let p = 0; p < s * s; p++)
    for (let k = 0; k < len; k++) out[p * len + k] = u.data[(i * s * s + p) * T + t0 + k];
  return out;
}

/** Relative L2 over the grid of each of the `t` frames of channels-last [s * s, t] fields. */
export function perFrameRelL2(pred: Float32Array, truth: Float32Array, t: number): number[] {
  const num = new Float64Array(t);
  const den = new Float64Array(t);
  for (let p = 0; p < pred.length; p++) {
    const k = p % t;
    num[k] += (pred[p] - truth[p]) ** 2;
    den[k] += truth[p] ** 2;
  }
  return Array.from(num, (x, k) => Math.sqrt(x / den[k]));
}

/** The mean over trajectories of each step's error, and the mean over steps. */
function average(rows: number[][]): StepErrors {
  const perStep = rows[0].map((_, k) => rows.reduce((a, r) => a + r[k], 0) / rows.length);
  return { mean: perStep.reduce((a, b) => a + b, 0) / perStep.length, perStep };
}

/**
 * Checks the grid for refinement: the residual's half spectrum needs an even n, and the default
 * refined modes are n/4 (with --refine-modes any even n whose n/2 holds them).
 */
function checkRefineGrid(s: number, args: RefineArgs): void {
  if (s % 2 || (!args.refineModes && s % 4))
    throw new WgnoError(
      'eval',
      `--refine: the data's grid ${s} x ${s} is not divisible by ${args.refineModes ? 2 : 4}; the refined layer's default modes are n/4 and the residual needs an even n: use a grid divisible by 4${args.refineModes ? '' : ' or pass --refine-modes mx,my,mt'}`,
    );
}

/** Plain (and with --refine, refined) errors of a space-time FNO on the windows. */
export async function evaluateWindows(
  model: SpaceTimeFNO,
  w: Windows,
  args: RefineArgs,
  bar: Progress,
  signal?: AbortSignal,
): Promise<StepErrors & { plain?: StepErrors; refine?: number }> {
  const s = w.u.shape[1];
  const K = args.refine;
  if (K !== undefined) checkRefineGrid(s, args);
  if (K !== undefined && args.refineDwdt !== 'implicit' && w.tOut < 3)
    throw new WgnoError(
      'eval',
      `--refine: the residual's spectral dw/dt needs at least 3 predicted frames, got ${w.tOut} (--t-out); or use --refine-dwdt implicit`,
    );
  const plain: number[][] = [];
  const refined: number[][] = [];
  const total = K === undefined ? w.count : w.count * K;
  for (let j = 0; j < w.count; j++) {
    if (signal?.aborted) throw new WgnoError('eval', `aborted after ${j} of ${w.count} windows`);
    const i = w.first + j;
    const truth = frames(w.u, i, w.tIn, w.tOut);
    const x = model.rt.tensor(frames(w.u, i, 0, w.tIn), [1, s, s, w.tIn]);
    const y = model.forward(x, w.tOut);
    plain.push(perFrameRelL2(await y.read(), truth, w.tOut));
    if (K !== undefined) {
      const done = (it: number) => bar.update(j * K + Math.min(it, K), total);
      const r = await refine(model, x, refineOptions(w, args, K, done, signal));
      refined.push(perFrameRelL2(await r.prediction.read(), truth, w.tOut));
      r.destroy();
    }
    bar.update(K === undefined ? j + 1 : (j + 1) * K, total);
    x.destroy();
  }
  if (K === undefined) return average(plain);
  return { ...average(refined), plain: average(plain), refine: K };
}

function refineOptions(
  w: Windows,
  args: RefineArgs,
  iterations: number,
  done: (iteration: number) => void,
  signal?: AbortSignal,
): RefineOptions {
  return {
    dt: 1,
    nu: w.nu,
    outSteps: w.tOut,
    iterations,
    lrWeight: args.refineLrWeight,
    lrBias: args.refineLrBias,
    modes: args.refineModes,
    alpha: args.refineAlpha,
    timeDerivative: args.refineDwdt,
    progressEvery: Math.max(1, Math.ceil(iterations / 20)),
    onProgress: (it) => {
      if (signal?.aborted) throw new WgnoError('eval', `aborted at refinement iteration ${it}`);
      done(it);
    },
  };
}
