/**
 * Spectral-Refiner's per-instance refinement (Cao et al. 2024, arXiv 2405.17211; torch-cfd
 * fno/finetune.py): the trained SpaceTimeFNO stays fixed; its latent before the output layer is
 * computed once; a new output layer with many more modes, at the evaluation grid, starts from the
 * trained one's low modes (so iteration 0 reproduces the plain prediction) and is fitted by Adam
 * to the H^-1 norm of the Navier-Stokes residual of its prediction. No data is involved. Each
 * iteration is one replay of a compiled Step; the loss is read back only when `onProgress` asks.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import type { Step } from '../graph/executor';
import type { Runtime } from '../runtime/runtime';
import { Rng } from '../random';
import type { SpaceTimeFNO } from '../models/spacetime_fno';
import { OutConv } from '../models/spacetime_fno_layers';
import { nsResidual, hMinus1Norm, type NsResidualOptions } from '../pde/ns_residual';
import { mean } from '../ops/reduce';
import { concat } from '../ops/concat';
import { slice } from '../ops/pad';
import { Adam } from './optim';

/** Options of `refine`. */
export interface RefineOptions extends NsResidualOptions {
  /** Adam iterations. Default 100. */
  iterations?: number;
  /** Frames predicted. Default the model's outputSteps, else the input's frame count. */
  outSteps?: number;
  /** [mx, my, mt] of the refined output layer; default [n/4, n/4, mt + 1], at least the trained modes. */
  modes?: readonly [number, number, number];
  /**
   * Learning rate of the spectral weights. Default 1e-2 (tuned on models/ns2d-refiner at 64x64;
   * torch-cfd's notebook uses 1e-4). The weights act on the latent's coefficients, so the rate does
   * not depend on the grid.
   */
  lrWeight?: number;
  /**
   * Learning rate of the complex bias. Default `defaultBiasLr(model, n)`: 200 at 64x64 for a model
   * with fftNorm 'backward' (tuned on models/ns2d-refiner), scaled with the transform's size.
   */
  lrBias?: number;
  /** H^-1 weight offset alpha. Default 1 (refined error 0.0046 against 0.0061 with 10^-1.5). */
  alpha?: number;
  /**
   * Called every `progressEvery` iterations (and after the last) with the residual norm of the
   * layer before that iteration's update and the matching prediction (read() it if wanted).
   */
  onProgress?: (
    iteration: number,
    residualNorm: number,
    prediction: Tensor,
  ) => void | Promise<void>;
  /** Default 10. */
  progressEvery?: number;
  /**
   * Known frames ahead of the prediction in the residual's window: default 3 (at most T_in);
   * true is the last input frame (outSteps + 1 frames, `dt` apart), a number k the last k input frames, false none.
   * They make dw/dt at the first predicted frames lean on known frames.
   */
  anchor?: boolean | number;
  /**
   * Learning-rate schedule over the iterations: 'constant' (default), or 'cosine' from the given
   * rates down to 1/100 of them (Adam's steps shrink, so the end of the run settles).
   */
  schedule?: 'constant' | 'cosine';
  /**
   * Frames at the end of the window whose residual is left out of the norm. Default 0. The last
   * frames' dw/dt rests on one-sided differences (the least accurate); they still enter the
   * other frames' dw/dt.
   */
  dropLast?: number;
}

/** What `refine` returns: the refined prediction and its output layer. */
export interface Refined {
  /** The refined prediction [1, n, n, outSteps] (a tensor on the runtime; read() it). */
  prediction: Tensor;
  /** The refined output layer (parameters `conv.weight.{k}`, `conv.bias.{k}`). */
  layer: OutConv;
  /** [iteration, residual norm] at every progress point. */
  history: [number, number][];
  /**
   * Frees what the refinement allocated on the GPU: the prediction's step, the widened layer's
   * parameters and Adam's moments, the copies of the latent and the input. A page that refines
   * window after window calls it once it has read the prediction; afterwards neither
   * `prediction` nor `layer` can be used.
   */
  destroy(): void;
}

/** Copies a trained [.., mx, my, mt] group into a larger [.., Mx, My, Mt] one (zeros elsewhere). */
function embedGroup(
  src: Float32Array,
  from: readonly number[],
  to: readonly number[],
  group: number,
): Float32Array {
  const [mx, my, mt] = from;
  const [bx, by, bt] = to;
  const out = new Float32Array(2 * bx * by * bt);
  // Group g = ix + 2 iy: ix / iy = 1 holds frequencies -m..-1, kept at the end of the new axis.
  const [ox, oy] = [group % 2 ? bx - mx : 0, group >= 2 ? by - my : 0];
  for (let i = 0; i < mx; i++)
    for (let j = 0; j < my; j++)
      for (let k = 0; k < mt; k++) {
        const s = 2 * ((i * my + j) * mt + k);
        const d = 2 * (((i + ox) * by + (j + oy)) * bt + k);
        [out[d], out[d + 1]] = [src[s], src[s + 1]];
      }
  return out;
}

/** A refined output layer for grid n: trained low modes copied in, the rest zero. */
async function widenedLayer(
  rt: Runtime,
  model: SpaceTimeFNO,
  modes: readonly [number, number, number],
): Promise<OutConv> {
  const trained = model.outputOperator;
  const layer = new OutConv(rt, new Rng(0), { ...trained.opts, modes });
  const from = trained.opts.modes;
  for (let g = 0; g < 4; g++) {
    layer.conv.weights[g].write(embedGroup(await trained.conv.weights[g].read(), from, modes, g));
    layer.conv.biases[g].write(embedGroup(await trained.conv.biases[g].read(), from, modes, g));
  }
  return layer;
}

function checkModes(model: SpaceTimeFNO, n: number, modes: readonly number[], steps: number) {
  const from = model.outputOperator.opts.modes;
  const lat = model.config.latentSteps + 1;
  const bins = Math.min(Math.floor((2 * lat) / 2) + 1, Math.floor((steps + 1 + lat) / 2) + 1);
  if (modes.some((m, a) => m < from[a]) || 2 * modes[0] > n || 2 * modes[1] > n || modes[2] > bins)
    throw new WgnoError(
      'refine',
      `modes [${modes.join(', ')}] must be at least the trained [${from.join(', ')}], at most [${n / 2}, ${n / 2}, ${bins}] at n = ${n}`,
    );
}

/** The H^-1 residual norm of the window, its last `dropLast` frames left out. */
function residualLoss(frames: Tensor, opts: RefineOptions): Tensor {
  const t = frames.shape[3];
  const drop = opts.dropLast ?? 0;
  if (!Number.isInteger(drop) || drop < 0 || drop > t - 1)
    throw new WgnoError('refine', `dropLast must be an integer 0..${t - 1}, got ${drop}`);
  const rh = nsResidual(frames, opts); // [1, T, n, n/2 + 1]
  const kept = drop === 0 ? rh : slice(rh, 1, 0, t - drop);
  return mean(hMinus1Norm(kept, opts.alpha ?? REFINE_ALPHA));
}

/** refine's default H^-1 offset alpha (see RefineOptions.alpha). */
const REFINE_ALPHA = 1;

/**
 * The default learning rate of the refined layer's complex bias on an n x n grid: 200 at 64x64
 * for fftNorm 'backward' (tuned on models/ns2d-refiner). A bias coefficient moves the prediction
 * by delta / N per unit with 'backward' (N the transform's points, n * n * padded frames), by
 * delta / sqrt(N) with 'ortho' and delta with 'forward', so the rate scales by N, sqrt(N) or 1.
 */
export function defaultBiasLr(model: SpaceTimeFNO, n: number): number {
  const { latentSteps, temporalPadding, fftNorm } = model.config;
  const points = n * n * (latentSteps + 1) * (temporalPadding ? 2 : 1);
  const perPoint = 200 / (64 * 64 * 22); // the tuned rate per transform point
  if (fftNorm === 'backward') return perPoint * points;
  return fftNorm === 'ortho' ? perPoint * Math.sqrt(points) : perPoint;
}

/** The number of known input frames the `anchor` option puts ahead of the prediction. */
function anchorFrames(anchor: boolean | number | undefined, t: number): number {
  const k =
    anchor === undefined ? Math.min(3, t) : anchor === true ? 1 : anchor === false ? 0 : anchor;
  if (!Number.isInteger(k) || k < 0 || k > t)
    throw new WgnoError('refine', `anchor must be true, false or an integer 0..${t}, got ${k}`);
  return k;
}

/**
 * Refines a SpaceTimeFNO's prediction for one input window [1, n, n, T_in] by minimising the H^-1
 * norm of its Navier-Stokes residual over a widened output layer (module comment). The model's
 * parameters are not touched.
 *
 * @example
 * const { prediction, history } = await refine(model, x, { dt: 1, iterations: 50,
 *   onProgress: (i, r) => console.log(i, r) });
 */
export async function refine(
  model: SpaceTimeFNO,
  x: Tensor,
  opts: RefineOptions,
): Promise<Refined> {
  const rt = model.rt;
  const [b, n, ny] = x.shape;
  if (x.shape.length !== 4 || b !== 1 || n !== ny)
    throw new WgnoError('refine', `input ${fmtShape(x.shape)} must be one window [1, n, n, T_in]`);
  if (opts.schedule !== undefined && opts.schedule !== 'constant' && opts.schedule !== 'cosine')
    throw new WgnoError(
      'refine',
      `schedule must be 'constant' or 'cosine', got '${opts.schedule}'`,
    );
  const steps = opts.outSteps ?? model.config.outputSteps ?? x.shape[3];
  const from = model.outputOperator.opts.modes;
  const modes =
    opts.modes ?? ([Math.max(from[0], n / 4), Math.max(from[1], n / 4), from[2] + 1] as const);
  checkModes(model, n, modes, steps);
  const latent = model.latent(x);
  // The latent is fixed: a leaf of its values, so the Step holds only the output layer's graph.
  const fixed = rt.tensor(await latent.read(), latent.shape, { label: 'refine.latent' });
  const input = rt.tensor(await x.read(), x.shape, { label: 'refine.input' });
  const layer = await widenedLayer(rt, model, modes);
  const prediction = layer.forward(fixed, input, steps);
  const t = x.shape[3];
  const known = anchorFrames(opts.anchor, t);
  const frames = known === 0 ? prediction : concat([slice(input, 3, t - known, t), prediction], 3);
  const loss = residualLoss(frames, opts);
  loss.backward();
  const optimizer = new Adam([
    { params: layer.conv.weights, lr: opts.lrWeight ?? 1e-2 },
    { params: layer.conv.biases, lr: opts.lrBias ?? defaultBiasLr(model, n) },
  ]);
  const step = await rt.compile({
    outputs: [loss, prediction],
    updates: [optimizer],
    label: 'refine',
  });
  const iterations = opts.iterations ?? 100;
  const every = opts.progressEvery ?? 10;
  const history: [number, number][] = [];
  const base = optimizer.lr;
  let final: Step | undefined;
  const destroy = () => {
    step.destroy();
    final?.destroy();
    for (const [, t] of optimizer.stateTensors()) t.destroy();
    for (const p of layer.parameters()) p.destroy();
    fixed.destroy();
    input.destroy();
  };
  try {
    for (let i = 0; i < iterations; i++) {
      if (opts.schedule === 'cosine')
        optimizer.lr = base * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * i) / iterations)));
      step.run(); // loss and prediction of the current layer, then the Adam update
      if (opts.onProgress && (i % every === 0 || i === iterations - 1)) {
        const r = (await loss.read())[0];
        history.push([i, r]);
        await opts.onProgress(i, r, prediction);
      }
    }
    // One more forward for the prediction of the last update (loss and prediction, no update).
    final = await rt.compile({ outputs: [loss, prediction], label: 'refine.final' });
    final.run();
    if (opts.onProgress) {
      const r = (await loss.read())[0];
      history.push([iterations, r]);
      await opts.onProgress(iterations, r, prediction);
    }
  } catch (e) {
    destroy(); // a cancelled or failed refinement leaves nothing allocated behind
    throw e;
  }
  step.destroy();
  return { prediction, layer, history, destroy };
}
