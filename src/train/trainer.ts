import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import type { HostTensor } from '../io/host_tensor';
import {
  checkConfig,
  packCheckpoint,
  groupLrsOf,
  restoreGroupLrs,
  readParams,
  unpackCheckpoint,
  writeParams,
  type Checkpoint,
  type TrainerState,
} from './checkpoint';
import { Batcher, checkDataset, type HostArray } from './data';
import type { Optimizer } from './optim_base';
import { Evaluator } from './trainer_eval';
import {
  NonFiniteLossError,
  checkRollout,
  type EvalResult,
  type EvaluationOptions,
  type TrainerOptions,
} from './trainer_options';

export {
  NonFiniteLossError,
  type EvalResult,
  type EvaluationOptions,
  type Progress,
  type RolloutConfig,
  type TrainableModel,
  type TrainerOptions,
} from './trainer_options';
import { compileStep, runOnBatch, type CompiledStep } from './trainer_step';

/**
 * Trains a model on host data with one compiled step (forward, backward, optimizer) replayed per
 * batch: batches are written into leaves made once, the loss is summed on the GPU and read back
 * only at logging points, and checkpoints resume bit for bit.
 *
 * @example
 * const trainer = await Trainer.create({ model, optimizer: new Adam(model.namedParameters()),
 *   inputs: { data: a, shape: [1000, 10, 64, 64] }, targets: { data: u, shape: [1000, 10, 64, 64] },
 *   batchSize: 20, rollout: { tIn: 10, tOut: 10 } });
 * await trainer.fit(500);
 * const { relL2, perStep } = await trainer.evaluate(testA, testU);
 */
export class Trainer {
  /** The runtime of the model's parameters. */
  readonly rt: Runtime;
  /** Completed epochs. */
  epoch = 0;
  private readonly batcher: Batcher;
  private readonly train = new Map<number, CompiledStep>();
  private readonly evaluator: Evaluator;
  private readonly owned: Tensor[] = [];
  private readonly queued: Promise<void>[] = [];
  private accSteps = 0;
  private lastGood: Checkpoint | null = null;
  /** null: made by forEvaluation, which compiles no training step. */
  private readonly optim: Optimizer | null;

  private constructor(
    /** The options it was made with. */
    readonly opts: EvaluationOptions,
    training: boolean,
  ) {
    this.optim = training ? (opts.optimizer ?? null) : null;
    if (training && !this.optim)
      throw new WgnoError(
        'Trainer',
        'training needs an optimizer (Trainer.forEvaluation does not)',
      );
    const params = opts.model.namedParameters();
    if (params.length === 0) throw new WgnoError('Trainer', 'the model has no parameters');
    this.rt = params[0][1].rt;
    this.evaluator = new Evaluator(this.rt, opts);
    const { n, xShape, yShape } = checkDataset('Trainer', opts.inputs, opts.targets);
    checkRollout(opts, xShape, yShape);
    this.batcher = new Batcher(
      n,
      opts.batchSize,
      { dropLast: opts.dropLast ?? false, shuffle: opts.shuffle ?? true },
      opts.seed ?? 0,
    );
  }

  /** Validate the data, build and compile the training step(s). */
  static async create(opts: TrainerOptions): Promise<Trainer> {
    const t = new Trainer(opts, true);
    for (const size of new Set([t.batcher.sizeOf(0), t.batcher.sizeOf(t.batcher.full)]))
      if (size > 0) t.train.set(size, await t.compileTraining(size));
    return t;
  }

  /**
   * A trainer for `evaluate()` only (scoring saved weights): no optimizer needed, nothing compiled
   * until evaluate() runs. fit(), checkpoints and `optimizer` throw a WgnoError on it.
   *
   * @example
   * const ev = Trainer.forEvaluation({ model, inputs: testA, targets: testU, batchSize: 20 });
   * const { relL2 } = await ev.evaluate(testA, testU);
   */
  static forEvaluation(opts: EvaluationOptions): Trainer {
    return new Trainer(opts, false);
  }

  /** A trainer restored from a checkpoint: continues exactly where saveCheckpoint() was called. */
  static async resume(opts: TrainerOptions, ckpt: Checkpoint): Promise<Trainer> {
    const t = await Trainer.create(opts);
    t.loadCheckpoint(ckpt);
    return t;
  }

  /** The optimizer this trainer steps (a WgnoError on an evaluation-only trainer). */
  get optimizer(): Optimizer {
    return this.training('optimizer');
  }

  /** Batches per epoch: ceil(n / batchSize), or floor with dropLast. */
  get stepsPerEpoch(): number {
    return this.batcher.stepsPerEpoch;
  }
  /** The last checkpoint taken with finite weights (see `checkpointEvery`). */
  get lastGoodCheckpoint(): Checkpoint | null {
    return this.lastGood;
  }

  /** Train `epochs` more epochs; returns the losses read at the logging points. */
  async fit(epochs: number): Promise<{
    /** Mean step loss at each logging point (see `logEvery`), oldest first. */
    losses: number[];
  }> {
    if (!Number.isInteger(epochs) || epochs < 0)
      throw new WgnoError('Trainer.fit', `epochs must be an integer >= 0, got ${epochs}`);
    this.training('fit');
    const t0 = performance.now();
    const losses: number[] = [];
    const steps = this.batcher.stepsPerEpoch;
    const every = this.opts.logEvery ?? steps;
    for (let e = 0; e < epochs; e++) {
      const order = this.batcher.epochOrder(this.epoch);
      for (let s = 0; s < steps; s++) {
        await this.runBatch(order, s);
        let loss: number | undefined;
        if ((s + 1) % every === 0 || s + 1 === steps) losses.push((loss = await this.readLoss(s)));
        const elapsedMs = performance.now() - t0;
        this.opts.onProgress?.({
          epoch: this.epoch,
          step: s + 1,
          stepsPerEpoch: steps,
          loss,
          elapsedMs,
        });
      }
      this.epoch++;
      this.opts.scheduler?.step();
      const k = this.opts.checkpointEvery;
      if (k && this.epoch % k === 0) await this.keepCheckpoint();
    }
    return { losses };
  }

  /**
   * Mean relative L2 (neuraloperator's LpLoss per sample and channel) over a dataset, without
   * updating anything: a forward-only step compiled once per batch shape and replayed. With a
   * rollout, also the error of each predicted step.
   */
  async evaluate(
    inputs: HostArray,
    targets: HostArray,
    opts: { batchSize?: number } = {},
  ): Promise<EvalResult> {
    return this.evaluator.evaluate(inputs, targets, opts.batchSize ?? this.opts.batchSize);
  }

  /** Weights, optimizer state and trainer state; see Checkpoint. Reads back from the GPU. */
  async saveCheckpoint(): Promise<Checkpoint> {
    this.training('saveCheckpoint');
    return packCheckpoint(...(await this.snapshot()));
  }

  /** Restore a checkpoint made by saveCheckpoint() of a trainer with the same configuration. */
  loadCheckpoint(ckpt: { weights: Uint8Array | ArrayBuffer; state?: string }): void {
    const opt = this.training('loadCheckpoint');
    const { params, optim, state } = unpackCheckpoint(ckpt);
    checkConfig(this.config(), state.config);
    writeParams(this.opts.model.namedParameters(), params);
    opt.loadStateDict(optim);
    opt.stepCount = state.stepCount;
    if (state.schedulerEpoch !== null) this.opts.scheduler?.setEpoch(state.schedulerEpoch);
    opt.lr = state.lr;
    restoreGroupLrs(opt, state.groupLrs);
    this.epoch = state.epoch;
    this.batcher.seed = state.rng.seed;
  }

  /** Release the leaves and steps this trainer made (the model and optimizer stay). */
  destroy(): void {
    for (const c of this.train.values()) c.step.destroy();
    this.evaluator.destroy();
    for (const t of this.owned) t.destroy();
  }

  private config(): Record<string, unknown> {
    const o = this.opts;
    return {
      batchSize: o.batchSize,
      dropLast: o.dropLast ?? false,
      shuffle: o.shuffle ?? true,
      inputs: o.inputs.shape,
      targets: o.targets.shape,
      rollout: o.rollout ? { tIn: o.rollout.tIn, tOut: o.rollout.tOut } : null,
      optimizer: this.training('config').constructor.name,
    };
  }

  private async snapshot(): Promise<
    [Map<string, HostTensor>, Map<string, HostTensor>, TrainerState]
  > {
    const params = await readParams(this.opts.model.namedParameters());
    const opt = this.training('saveCheckpoint');
    const state: TrainerState = {
      format: 'wgno.trainer',
      version: 1,
      epoch: this.epoch,
      stepCount: opt.stepCount,
      lr: opt.lr,
      groupLrs: groupLrsOf(opt),
      schedulerEpoch: this.opts.scheduler?.lastEpoch ?? null,
      rng: { seed: this.batcher.seed, epoch: this.epoch },
      config: this.config(),
    };
    return [params, await opt.stateDict(), state];
  }

  /** The optimizer, or a WgnoError naming `method` if this trainer only evaluates. */
  private training(method: string): Optimizer {
    if (this.optim) return this.optim;
    throw new WgnoError(
      `Trainer.${method}`,
      'this trainer was made by Trainer.forEvaluation and only evaluates; use Trainer.create(opts) with an optimizer to train or checkpoint',
    );
  }

  private async keepCheckpoint(): Promise<void> {
    const snap = await this.snapshot();
    const finite = [...snap[0].values()].every((h) => h.data.every(Number.isFinite));
    const ckpt = packCheckpoint(...snap);
    if (finite) this.lastGood = ckpt;
    await this.opts.onCheckpoint?.(ckpt, this.epoch);
  }

  private async runBatch(order: Uint32Array, s: number): Promise<void> {
    const size = this.batcher.sizeOf(s);
    const c = this.train.get(size)!;
    runOnBatch(c, this.opts.inputs, this.opts.targets, order, s * this.batcher.batchSize, size);
    this.accSteps++;
    // Bound the queue without draining it: wait for the step `inFlight` submits ago.
    this.queued.push(this.rt.device.queue.onSubmittedWorkDone());
    if (this.queued.length > (this.opts.inFlight ?? 4)) await this.queued.shift();
  }

  /** Mean of the step losses summed on the GPU since the last read; resets the sum. */
  private async readLoss(s: number): Promise<number> {
    const mean = (await this.train.values().next().value!.acc.read())[0] / this.accSteps;
    this.queued.length = 0;
    this.accSteps = 0;
    for (const c of this.train.values()) c.acc.write(ZERO);
    if (!Number.isFinite(mean))
      throw new NonFiniteLossError(this.epoch, s + 1, mean, this.lastGood);
    return mean;
  }

  /** The training step for batches of `size`; every training step adds into one accumulator. */
  private compileTraining(size: number): Promise<CompiledStep> {
    const leaf = (shape: readonly number[], label: string) => {
      const t = this.rt.zeros(shape, { label });
      this.owned.push(t);
      return t;
    };
    const { inputs: xs, targets: ys } = this.opts;
    const acc = this.train.values().next().value?.acc ?? null;
    const spec = { size, xs, ys, optimizer: this.training('fit'), acc };
    return compileStep(this.rt, this.opts, spec, leaf);
  }
}

const ZERO = new Float32Array(1);
