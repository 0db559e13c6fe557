/**
 * torch.optim's update rules on the GPU (kernels/adam.wgsl, kernels/sgd.wgsl): Adam, AdamW, SGD,
 * and the StepLR schedule. The state and checkpoint handling they share is Optimizer's
 * (optim_base.ts).
 */
import { WgnoError } from '../errors';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import type { Update } from '../graph/planner';
import type { Tensor } from '../graph/tensor';
import { requireFinite } from '../ops/elementwise';
import adamSource from '../../kernels/adam.wgsl?raw';
import sgdSource from '../../kernels/sgd.wgsl?raw';
import { opDef } from '../graph/registry';
import { Optimizer, floats, type ParamUpdate, type Params } from './optim_base';

const adamParams = new UniformLayout('AdamParams', {
  n: 'u32',
  end0: 'u32',
  end1: 'u32',
  lr: 'f32',
  lr1: 'f32',
  lr2: 'f32',
  beta1: 'f32',
  beta2: 'f32',
  eps: 'f32',
  weight_decay: 'f32',
  decoupled: 'u32',
  bc1: 'f32',
  bc2: 'f32',
});
const ADAM_BINDINGS = ['read_write', 'read', 'read_write', 'read_write'] as const;
/** Adam's kernels by parameters per dispatch: 1 (`main`), 2 (`pair`) and 3 (`triple`). */
const adamKernels = (['main', 'pair', 'triple'] as const).map((entry, i) =>
  defineKernel({
    name: 'adam',
    entry,
    source: adamSource,
    params: adamParams,
    storage: Array.from({ length: i + 1 }, () => ADAM_BINDINGS).flat(),
  }),
);
const sgdParams = new UniformLayout('SgdParams', {
  n: 'u32',
  lr: 'f32',
  momentum: 'f32',
  weight_decay: 'f32',
  nesterov: 'u32',
});
const sgdKernel = defineKernel({
  name: 'sgd',
  source: sgdSource,
  params: sgdParams,
  storage: ['read_write', 'read', 'read_write'],
});
/** Without momentum: no buffer is kept, read or written (PyTorch keeps none either). */
const sgdPlainKernel = defineKernel({
  name: 'sgd',
  entry: 'plain',
  source: sgdSource,
  params: sgdParams,
  storage: ['read_write', 'read'],
});

/** Options of Adam and AdamW (PyTorch's names and defaults). */
export interface AdamOptions {
  /** Learning rate. Default 1e-3. */
  lr?: number;
  /** Decay rates of the first and second moment averages. Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator's square root. Default 1e-8. */
  eps?: number;
  /** Adam: an L2 term added to the gradient; AdamW: decoupled decay. Default 0 (AdamW 1e-2). */
  weightDecay?: number;
  /**
   * Update up to three parameters per dispatch (as many as the device's storage-buffer limit
   * allows: four buffers each), as PyTorch's `foreach`: an FNO's 40 parameters take 14
   * launches instead of 40 where 12 storage buffers are allowed (SwiftShader), 20 at WebGPU's
   * default of 8. The same arithmetic per element, so the same results. Default true.
   */
  foreach?: boolean;
}

/** torch.optim.Adam: weight decay is an L2 term added to the gradient. */
export class Adam extends Optimizer {
  /** Decay rates of the moment averages. */
  readonly betas: readonly [number, number];
  /** Denominator epsilon. */
  readonly eps: number;
  /** Weight decay coefficient. */
  readonly weightDecay: number;
  /** Whether several parameters are updated per dispatch (see AdamOptions.foreach). */
  readonly foreach: boolean;
  /** PyTorch's state names: the moment averages. */
  protected readonly stateNames = ['exp_avg', 'exp_avg_sq'];
  /** Whether weight decay is decoupled from the gradient (AdamW). */
  protected readonly decoupled: boolean = false;

  constructor(params: Params, opts: AdamOptions = {}) {
    super(params, opts.lr ?? 1e-3);
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.foreach = opts.foreach ?? true;
    const name = this.constructor.name;
    this.betas.forEach((b, i) => {
      requireFinite(name, `betas[${i}]`, b);
      if (b < 0 || b >= 1) throw new WgnoError(name, `betas[${i}] must be in [0, 1), got ${b}`);
    });
    requireFinite(name, 'eps', this.eps);
    requireFinite(name, 'weightDecay', this.weightDecay);
  }

  /** Zeroed exp_avg and exp_avg_sq of p's shape. */
  protected makeState(p: Tensor): Tensor[] {
    return [
      p.rt.zeros(p.shape, { dtype: p.dtype, label: 'adam.exp_avg' }),
      p.rt.zeros(p.shape, { dtype: p.dtype, label: 'adam.exp_avg_sq' }),
    ];
  }

  /** One fused Adam step of p (kernels/adam.wgsl), bias-corrected by stepCount. */
  protected update(p: Tensor, g: Tensor, state: Tensor[]): Update {
    return this.updateMany([{ p, g, state }]);
  }

  /**
   * With foreach, consecutive parameters share a dispatch, up to three (the kernel's entries)
   * and as many as the device's storage-buffer limit allows. A parameter whose gradient is not
   * computed into the step's own memory (a leaf, or a view of one: it might be a parameter the
   * same dispatch writes) is updated alone, so no buffer is bound both read-only and writable.
   */
  protected updateAll(items: readonly ParamUpdate[]): Update[] {
    const limit = items[0]?.p.rt.device.limits.maxStorageBuffersPerShaderStage ?? 8;
    const most = this.foreach ? Math.min(adamKernels.length, Math.floor(limit / 4)) : 1;
    const out: Update[] = [];
    let batch: ParamUpdate[] = [];
    const flush = () => {
      if (batch.length) out.push(this.updateMany(batch));
      batch = [];
    };
    for (const it of items) {
      if (isLeafView(it.g)) {
        flush();
        out.push(this.updateMany([it]));
        continue;
      }
      batch.push(it);
      if (batch.length === most) flush();
    }
    flush();
    return out;
  }

  /** One dispatch updating 1 to 3 parameters (entries main, pair, triple). */
  private updateMany(items: readonly ParamUpdate[]): Update {
    const [b1, b2] = this.betas;
    const ends: number[] = [];
    items.forEach(({ p }, i) => ends.push((ends[i - 1] ?? 0) + floats(p)));
    const n = ends.at(-1)!;
    return {
      kernel: adamKernels[items.length - 1],
      params: {
        n,
        end0: ends[0],
        end1: ends[1] ?? n,
        beta1: b1,
        beta2: b2,
        eps: this.eps,
        weight_decay: this.weightDecay,
        decoupled: this.decoupled ? 1 : 0,
      },
      // stepCount was advanced by tick() for this run, so t >= 1 here.
      dynamic: () => ({
        lr: this.lrOf(items[0].p),
        lr1: items[1] ? this.lrOf(items[1].p) : 0,
        lr2: items[2] ? this.lrOf(items[2].p) : 0,
        bc1: 1 - b1 ** Math.max(1, this.stepCount),
        bc2: 1 - b2 ** Math.max(1, this.stepCount),
      }),
      bindings: items.flatMap(({ p, g, state: [m, v] }) => [p, g, m, v]),
      grid: grid1d(n),
    };
  }
}

/** Whether t is a leaf or a view (reshape) of one: it has no storage of the step's own. */
function isLeafView(t: Tensor): boolean {
  while (t.op !== null && opDef(t.op).view) t = t.inputs[0];
  return t.op === null;
}

/** torch.optim.AdamW: decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  protected readonly decoupled = true;
  constructor(params: Params, opts: AdamOptions = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
  }
}

/** Options of SGD (PyTorch's names and defaults). */
export interface SgdOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor; 0 (default) keeps no state. */
  momentum?: number;
  /** L2 term added to the gradient. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
}

/**
 * torch.optim.SGD with momentum (dampening 0), weight decay and optional Nesterov. With momentum 0
 * it keeps no state (no momentum buffer on the GPU or in checkpoints), as PyTorch.
 */
export class SGD extends Optimizer {
  /** Momentum factor. */
  readonly momentum: number;
  /** Weight decay coefficient. */
  readonly weightDecay: number;
  /** Whether momentum is Nesterov's. */
  readonly nesterov: boolean;
  /** ['momentum_buffer'], or none without momentum. */
  protected get stateNames(): readonly string[] {
    return this.momentum === 0 ? [] : ['momentum_buffer'];
  }

  constructor(params: Params, opts: SgdOptions) {
    super(params, opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    requireFinite('SGD', 'momentum', this.momentum);
    requireFinite('SGD', 'weightDecay', this.weightDecay);
    if (this.nesterov && this.momentum <= 0)
      throw new WgnoError('SGD', `nesterov needs a momentum > 0, got momentum ${this.momentum}`);
  }

  /** The zeroed momentum buffer, or nothing without momentum. */
  protected makeState(p: Tensor): Tensor[] {
    if (this.momentum === 0) return [];
    return [p.rt.zeros(p.shape, { dtype: p.dtype, label: 'sgd.momentum_buffer' })];
  }

  /** One SGD step of p (kernels/sgd.wgsl). */
  protected update(p: Tensor, g: Tensor, [buf]: Tensor[]): Update {
    return {
      kernel: buf ? sgdKernel : sgdPlainKernel,
      params: {
        n: floats(p),
        momentum: this.momentum,
        weight_decay: this.weightDecay,
        nesterov: this.nesterov ? 1 : 0,
      },
      dynamic: () => ({ lr: this.lrOf(p) }),
      bindings: buf ? [p, g, buf] : [p, g],
      grid: grid1d(floats(p)),
    };
  }
}

/** torch.optim.lr_scheduler.StepLR: lr = base * gamma^floor(epoch / stepSize); call step() per epoch. */
export class StepLR {
  private epoch = 0;
  private readonly base: number;
  constructor(
    /** The optimizer whose lr it sets. */
    readonly optimizer: Optimizer,
    /** Options: the lr is multiplied by gamma every stepSize epochs. */
    readonly opts: {
      /** Epochs between decays (an integer >= 1). */
      stepSize: number;
      /** Decay factor. Default 0.1. */
      gamma?: number;
    },
  ) {
    if (!Number.isInteger(opts.stepSize) || opts.stepSize < 1)
      throw new WgnoError('StepLR', `stepSize must be an integer >= 1, got ${opts.stepSize}`);
    this.base = optimizer.lr;
  }
  /** Ends an epoch: counts it and sets the optimizer's lr. */
  step(): void {
    this.epoch++;
    this.optimizer.lr =
      this.base * (this.opts.gamma ?? 0.1) ** Math.floor(this.epoch / this.opts.stepSize);
  }
  /** Epochs counted so far. */
  get lastEpoch(): number {
    return this.epoch;
  }
  /** Restore the epoch counter (checkpoints) and set the optimizer's lr to match it. */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new WgnoError('StepLR', `epoch must be an integer >= 0, got ${epoch}`);
    this.epoch = epoch;
    this.optimizer.lr =
      this.base * (this.opts.gamma ?? 0.1) ** Math.floor(this.epoch / this.opts.stepSize);
  }
}
