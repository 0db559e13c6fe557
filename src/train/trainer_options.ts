/** The Trainer's options, progress and result types, and its non-finite-loss error. */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import type { Checkpoint } from './checkpoint';
import type { HostArray } from './data';
import type { LossLayout } from './losses';
import type { StepLR } from './optim';
import type { Optimizer } from './optim_base';

/** Anything the trainer can train: an FNO, or any object with these two methods. */
export interface TrainableModel {
  /** The prediction for a batch x (records ops; nothing runs yet). */
  forward(x: Tensor): Tensor;
  /** Trainable tensors under their state_dict names (checkpoints use the names). */
  namedParameters(): readonly (readonly [string, Tensor])[];
}

/** Autoregressive rollout (FNO paper, Navier-Stokes): x [B, tIn, ...] -> tOut steps of [B, 1, ...]. */
export interface RolloutConfig {
  /** Input steps: the model's input channels. */
  readonly tIn: number;
  /** Steps predicted, each fed back as the newest input. */
  readonly tOut: number;
}

/** What `onProgress` gets after every step. */
export interface Progress {
  /** Index of the epoch in progress (counting epochs restored from a checkpoint). */
  epoch: number;
  /** Steps done in this epoch, 1..stepsPerEpoch. */
  step: number;
  /** Batches per epoch. */
  stepsPerEpoch: number;
  /** Mean step loss since the previous logging point; present only at logging points. */
  loss?: number;
  /** Milliseconds since this `fit` call started. */
  elapsedMs: number;
}

/** Options of `Trainer.create` and `Trainer.resume`. */
export interface TrainerOptions {
  /** What to train: an FNO, or any object with forward and namedParameters. */
  model: TrainableModel;
  /** Built over the model's parameters, e.g. `new Adam(model.namedParameters(), { lr })`. */
  optimizer: Optimizer;
  /** Stepped once per epoch. */
  scheduler?: StepLR;
  /** Default: lpLoss (relative L2, reduction 'sum'); summed over the rollout. */
  loss?: (pred: Tensor, target: Tensor) => Tensor;
  /**
   * Where the channel axis of predictions and targets is, for the default loss and evaluate()'s
   * relative L2: 'channels-first' [B, C, ...] (default) or 'channels-last' [B, points, C] for
   * point clouds (see lpLoss). Not with `rollout`, whose steps are channels-first.
   */
  layout?: LossLayout;
  /** [n, ...] samples; with `rollout`, inputs [n, tIn, ...] and targets [n, tOut, ...]. */
  inputs: HostArray;
  /** [n, ...] targets, one per input sample. */
  targets: HostArray;
  /** Samples per step. */
  batchSize: number;
  /** Default true: a new seeded permutation every epoch. */
  shuffle?: boolean;
  /** Seed of the shuffling. Default 0. */
  seed?: number;
  /**
   * Default false: a last partial batch trains through a second compiled step of its own size
   * (as PyTorch's DataLoader does); true drops it and compiles one step only.
   */
  dropLast?: boolean;
  /** Autoregressive training: the loss summed over tOut steps, each fed back. */
  rollout?: RolloutConfig;
  /** Read the (GPU-accumulated) loss every k steps and at every epoch end; default once per epoch. */
  logEvery?: number;
  /** Steps queued on the GPU before the trainer waits for the oldest (bounds queued uploads). */
  inFlight?: number;
  /** Snapshot a checkpoint every k epochs (kept as lastGoodCheckpoint when finite). */
  checkpointEvery?: number;
  /** Called with every checkpoint taken (e.g. to write it to disk); awaited. */
  onCheckpoint?: (ckpt: Checkpoint, epoch: number) => void | Promise<void>;
  /** Called after every step (a progress bar). */
  onProgress?: (p: Progress) => void;
}

/**
 * Trainer.forEvaluation's options: TrainerOptions without an optimizer (one may be given, as when
 * spreading a training run's options, but it is never read). Only the model, the data shapes,
 * batchSize, rollout and layout matter.
 */
export type EvaluationOptions = Omit<TrainerOptions, 'optimizer'> & {
  /** Ignored. */
  optimizer?: Optimizer;
};

/** What `Trainer.evaluate` returns. */
export interface EvalResult {
  /** Mean relative L2 per (sample, channel), and per rollout step. */
  relL2: number;
  /** Rollout only: the mean relative L2 of each predicted step. */
  perStep?: number[];
}

/** Thrown when the loss read at a logging point is NaN or infinite. */
export class NonFiniteLossError extends WgnoError {
  constructor(
    /** The epoch in progress. */
    readonly epoch: number,
    /** The step of that epoch whose loss was not finite. */
    readonly step: number,
    /** The loss read (NaN or infinite). */
    readonly loss: number,
    /** The last checkpoint whose weights were finite (needs `checkpointEvery`), or null. */
    readonly lastGood: Checkpoint | null,
  ) {
    super(
      'Trainer',
      `the loss is ${loss} at epoch ${epoch}, step ${step}; training stopped (${lastGood ? 'lastGood holds the last finite checkpoint' : 'set checkpointEvery to keep a last good checkpoint'})`,
    );
  }
}

/** The rollout settings against the data: integer tIn, tOut >= 1 matching the time axes. */
export function checkRollout(
  opts: EvaluationOptions,
  xShape: readonly number[],
  yShape: readonly number[],
): void {
  const r = opts.rollout;
  if (!r) return;
  if (opts.layout === 'channels-last')
    throw new WgnoError(
      'Trainer',
      `layout 'channels-last' does not apply to rollout, whose steps are channels-first [B, 1, ...]`,
    );
  for (const k of ['tIn', 'tOut'] as const)
    if (!Number.isInteger(r[k]) || r[k] < 1)
      throw new WgnoError('Trainer', `rollout.${k} must be an integer >= 1, got ${r[k]}`);
  if (xShape[0] !== r.tIn || yShape[0] !== r.tOut)
    throw new WgnoError(
      'Trainer',
      `rollout { tIn: ${r.tIn}, tOut: ${r.tOut} } needs inputs [n, ${r.tIn}, ...] and targets [n, ${r.tOut}, ...], got ${fmtShape(opts.inputs.shape)} and ${fmtShape(opts.targets.shape)}`,
    );
}
