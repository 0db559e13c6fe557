import { WgnoError, fmtShape } from '../errors';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import type { Update } from '../graph/planner';
import type { Tensor } from '../graph/tensor';
import { floatDtype } from '../graph/shape';
import type { HostTensor } from '../io/host_tensor';
import { requireFinite } from '../ops/elementwise';
import adamSource from '../../kernels/adam.wgsl?raw';
import sgdSource from '../../kernels/sgd.wgsl?raw';
import accumulateSource from '../../kernels/accumulate.wgsl?raw';

const adamParams = new UniformLayout('AdamParams', {
  n: 'u32',
  lr: 'f32',
  beta1: 'f32',
  beta2: 'f32',
  eps: 'f32',
  weight_decay: 'f32',
  decoupled: 'u32',
  bc1: 'f32',
  bc2: 'f32',
});
const adamKernel = defineKernel({
  name: 'adam',
  source: adamSource,
  params: adamParams,
  storage: ['read_write', 'read', 'read_write', 'read_write'],
});
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

/**
 * Floats in a parameter: complex64 weights are updated as independent (re, im) pairs, exactly as
 * torch.optim does through view_as_real.
 */
const accumulateKernel = defineKernel({
  name: 'accumulate',
  source: accumulateSource,
  params: new UniformLayout('AccumulateParams', { n: 'u32' }),
  storage: ['read_write', 'read'],
});
const floats = (p: Tensor): number => p.size * (p.dtype === 'complex64' ? 2 : 1);

/** Parameters as a list, or as [name, tensor] pairs (a model's namedParameters()). */
export type ParamList = readonly Tensor[] | readonly (readonly [string, Tensor])[];

/**
 * An optimizer updates parameters in place on the GPU, inside a planned step:
 * `rt.compile({ outputs: [loss], optimizer })` appends its update dispatches after the backward
 * pass, and every `step.run()` advances `stepCount` once. Hyper-parameters (lr) may change between
 * runs without recompiling; they are re-packed into uniforms before each run.
 */
export abstract class Optimizer {
  /** Learning rate used by the next run (a scheduler changes it). */
  lr: number;
  /** Completed optimizer steps (PyTorch's `state['step']`). */
  stepCount = 0;
  readonly params: readonly Tensor[];
  readonly names: readonly string[];
  protected readonly state = new Map<Tensor, Tensor[]>();

  constructor(params: ParamList, lr: number) {
    requireFinite(this.constructor.name, 'lr', lr);
    if (lr < 0) throw new WgnoError(this.constructor.name, `lr must be >= 0, got ${lr}`);
    this.lr = lr;
    const pairs = params.map((p, i) =>
      Array.isArray(p) ? (p as readonly [string, Tensor]) : ([`param${i}`, p as Tensor] as const),
    );
    this.params = pairs.map(([, t]) => t);
    this.names = pairs.map(([n]) => n);
    pairs.forEach(([name, t]) => {
      if (!t.isLeaf || !t.requiresGrad) {
        throw new WgnoError(
          this.constructor.name,
          `parameter '${name}' ${fmtShape(t.shape)} must be a leaf with requiresGrad: true`,
        );
      }
    });
  }

  /** The in-place update dispatches; call after backward() so every parameter has a gradient. */
  updates(): Update[] {
    return this.params.map((p, i) => {
      if (!p.grad)
        throw new WgnoError(
          this.constructor.name,
          `parameter '${this.names[i]}' ${fmtShape(p.shape)} has no gradient: call loss.backward() before compiling the step, and check the loss depends on it`,
        );
      let st = this.state.get(p);
      if (!st) this.state.set(p, (st = this.makeState(p)));
      return this.update(p, p.grad, st);
    });
  }

  /** Named optimizer state tensors (for checkpoints). */
  stateTensors(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    this.params.forEach((p, i) =>
      (this.state.get(p) ?? []).forEach((t, k) =>
        out.push([`${this.names[i]}.${this.stateNames[k]}`, t]),
      ),
    );
    return out;
  }

  /** Read the state tensors back to the CPU, named as in stateTensors() (checkpoints). */
  async stateDict(): Promise<Map<string, HostTensor>> {
    const out = new Map<string, HostTensor>();
    for (const [name, t] of this.stateTensors())
      out.set(name, {
        dtype: floatDtype('stateDict', t),
        shape: [...t.shape],
        data: await t.read(),
      });
    return out;
  }

  /**
   * Write state tensors saved by stateDict() back. The state exists once a step using this
   * optimizer was compiled; every state tensor must be present with its shape.
   */
  loadStateDict(sd: ReadonlyMap<string, HostTensor>): void {
    const own = this.stateTensors();
    if (own.length === 0 && sd.size > 0)
      throw new WgnoError(
        this.constructor.name,
        'loadStateDict: no optimizer state exists yet; compile a step with this optimizer first',
      );
    for (const [name, t] of own) {
      const h = sd.get(name);
      if (!h || h.dtype !== t.dtype || h.shape.join() !== t.shape.join())
        throw new WgnoError(
          this.constructor.name,
          `loadStateDict: state '${name}' must be ${t.dtype} ${fmtShape(t.shape)}, got ${h ? `${h.dtype} ${fmtShape(h.shape)}` : 'nothing'}`,
        );
      t.write(h.data);
    }
  }

  /** Called once before each run of a compiled step. */
  /** Before every run of a step this optimizer updates (UpdateSet): advance the step count. */
  beforeRun(): void {
    this.tick();
  }

  tick(): void {
    this.stepCount++;
  }

  protected abstract readonly stateNames: readonly string[];
  protected abstract makeState(p: Tensor): Tensor[];
  protected abstract update(p: Tensor, g: Tensor, state: Tensor[]): Update;
}

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

/** torch.optim.Adam: weight decay is an L2 term added to the gradient. */
export class Adam extends Optimizer {
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly stateNames = ['exp_avg', 'exp_avg_sq'];
  protected readonly decoupled: boolean = false;

  constructor(params: ParamList, opts: AdamOptions = {}) {
    super(params, opts.lr ?? 1e-3);
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    const name = this.constructor.name;
    this.betas.forEach((b, i) => {
      requireFinite(name, `betas[${i}]`, b);
      if (b < 0 || b >= 1) throw new WgnoError(name, `betas[${i}] must be in [0, 1), got ${b}`);
    });
    requireFinite(name, 'eps', this.eps);
    requireFinite(name, 'weightDecay', this.weightDecay);
  }

  protected makeState(p: Tensor): Tensor[] {
    return [
      p.rt.zeros(p.shape, { dtype: p.dtype, label: 'adam.exp_avg' }),
      p.rt.zeros(p.shape, { dtype: p.dtype, label: 'adam.exp_avg_sq' }),
    ];
  }

  protected update(p: Tensor, g: Tensor, [m, v]: Tensor[]): Update {
    const [b1, b2] = this.betas;
    return {
      kernel: adamKernel,
      params: {
        n: floats(p),
        beta1: b1,
        beta2: b2,
        eps: this.eps,
        weight_decay: this.weightDecay,
        decoupled: this.decoupled ? 1 : 0,
      },
      // stepCount was advanced by tick() for this run, so t >= 1 here.
      dynamic: () => ({
        lr: this.lr,
        bc1: 1 - b1 ** Math.max(1, this.stepCount),
        bc2: 1 - b2 ** Math.max(1, this.stepCount),
      }),
      bindings: [p, g, m, v],
      grid: grid1d(floats(p)),
    };
  }
}

/** torch.optim.AdamW: decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  protected readonly decoupled = true;
  constructor(params: ParamList, opts: AdamOptions = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
  }
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** torch.optim.SGD with momentum (dampening 0), weight decay and optional Nesterov. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  protected readonly stateNames = ['momentum_buffer'];

  constructor(params: ParamList, opts: SgdOptions) {
    super(params, opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    requireFinite('SGD', 'momentum', this.momentum);
    requireFinite('SGD', 'weightDecay', this.weightDecay);
  }

  protected makeState(p: Tensor): Tensor[] {
    return [p.rt.zeros(p.shape, { dtype: p.dtype, label: 'sgd.momentum_buffer' })];
  }

  protected update(p: Tensor, g: Tensor, [buf]: Tensor[]): Update {
    return {
      kernel: sgdKernel,
      params: {
        n: floats(p),
        momentum: this.momentum,
        weight_decay: this.weightDecay,
        nesterov: this.nesterov ? 1 : 0,
      },
      dynamic: () => ({ lr: this.lr }),
      bindings: [p, g, buf],
      grid: grid1d(floats(p)),
    };
  }
}

/** torch.optim.lr_scheduler.StepLR: lr = base * gamma^floor(epoch / stepSize); call step() per epoch. */
export class StepLR {
  private epoch = 0;
  private readonly base: number;
  constructor(
    readonly optimizer: Optimizer,
    readonly opts: { stepSize: number; gamma?: number },
  ) {
    if (!Number.isInteger(opts.stepSize) || opts.stepSize < 1)
      throw new WgnoError('StepLR', `stepSize must be an integer >= 1, got ${opts.stepSize}`);
    this.base = optimizer.lr;
  }
  step(): void {
    this.epoch++;
    this.optimizer.lr =
      this.base * (this.opts.gamma ?? 0.1) ** Math.floor(this.epoch / this.opts.stepSize);
  }
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

/**
 * An in-place `acc += value` over n floats (kernels/accumulate.wgsl), as an Update a step runs
 * after its graph. The trainer sums losses on the GPU with it, so logging reads back once per
 * interval.
 */
export function accumulateUpdate(acc: Tensor, value: Tensor): Update {
  return accumulateKernelUpdate('accumulate', acc, value, 0);
}

/** An in-place `dst = value` after the graph: a step that advances a state held in a leaf. */
export function assignUpdate(dst: Tensor, value: Tensor): Update {
  return accumulateKernelUpdate('assign', dst, value, 1);
}

function accumulateKernelUpdate(op: string, acc: Tensor, value: Tensor, assign: number): Update {
  if (acc.size !== value.size || acc.dtype !== value.dtype)
    throw new WgnoError(
      op,
      `target ${acc.dtype} ${fmtShape(acc.shape)} and value ${value.dtype} ${fmtShape(value.shape)} must have the same size and dtype`,
    );
  return {
    kernel: accumulateKernel,
    overrides: { ASSIGN: assign },
    params: { n: floats(acc) },
    bindings: [acc, value],
    grid: grid1d(floats(acc)),
  };
}
