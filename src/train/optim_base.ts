/**
 * The optimizer base class: parameters, per-parameter state tensors (made when a step is compiled,
 * saved in checkpoints) and the update dispatches a compiled step runs after its backward pass.
 * The update rules (Adam, AdamW, SGD) and their kernels are in optim.ts.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Update } from '../graph/planner';
import type { Tensor } from '../graph/tensor';
import { floatDtype } from '../graph/shape';
import type { HostTensor } from '../io/host_tensor';
import { requireFinite } from '../ops/elementwise';

/**
 * Floats in a parameter: complex64 weights are updated as independent (re, im) pairs, exactly as
 * torch.optim does through view_as_real.
 */
export const floats = (p: Tensor): number => p.size * (p.dtype === 'complex64' ? 2 : 1);

/** A parameter to update, its gradient and its state tensors. */
export interface ParamUpdate {
  readonly p: Tensor;
  readonly g: Tensor;
  readonly state: Tensor[];
}

/** Parameters as a list, or as [name, tensor] pairs (a model's namedParameters()). */
export type ParamList = readonly Tensor[] | readonly (readonly [string, Tensor])[];

/** A parameter group with its own learning rate: PyTorch's `{ params, lr }`. */
export interface ParamGroup {
  /** The group's parameters, named or not. */
  readonly params: ParamList;
  /** This group's learning rate; default the optimizer's `lr`. */
  readonly lr?: number;
}

/** What an optimizer takes: one list, or parameter groups (PyTorch's `[{ params, lr }]` form). */
export type Params = ParamList | readonly ParamGroup[];

const isGroups = (p: Params): p is readonly ParamGroup[] =>
  p.length > 0 && typeof p[0] === 'object' && !Array.isArray(p[0]) && 'params' in p[0];

/**
 * An optimizer updates parameters in place on the GPU, inside a planned step: it is an UpdateSet,
 * so `rt.compile({ outputs: [loss], updates: [optimizer] })` appends its update dispatches after
 * the backward pass, and every `step.run()` advances `stepCount` once (beforeRun). Hyper-parameters (lr) may change between
 * runs without recompiling; they are re-packed into uniforms before each run.
 */
export abstract class Optimizer {
  /** Learning rate used by the next run (a scheduler changes it). */
  lr: number;
  /** Completed optimizer steps (PyTorch's `state['step']`). */
  stepCount = 0;
  /** The parameters it updates. */
  readonly params: readonly Tensor[];
  /** Their state_dict names (checkpoint keys), 'param{i}' when given unnamed. */
  readonly names: readonly string[];
  /** Each parameter's state tensors (exp_avg, ...), made on its first update. */
  protected readonly state = new Map<Tensor, Tensor[]>();

  /**
   * Each parameter group's learning rate as a multiple of `lr`: a scheduler, a checkpoint or a
   * user changing `lr` moves every group in proportion, as PyTorch's schedulers scale each
   * group's lr.
   */
  private readonly lrScales: number[];
  private readonly groupOf = new Map<Tensor, number>();

  constructor(params: Params, lr: number) {
    const op = this.constructor.name;
    checkLr(op, 'lr', lr);
    this.lr = lr;
    const groups = isGroups(params) ? params : [{ params }];
    this.lrScales = groups.map((g, i) => groupScale(op, i, g.lr, lr));
    let count = 0;
    const pairs = groups.flatMap((g, gi) =>
      g.params.map((p) => {
        const pair = Array.isArray(p)
          ? (p as readonly [string, Tensor])
          : ([`param${count}`, p as Tensor] as const);
        count++;
        if (this.groupOf.has(pair[1]))
          throw new WgnoError(
            op,
            `parameter '${pair[0]}' is given twice (each parameter belongs to one group, once)`,
          );
        this.groupOf.set(pair[1], gi);
        return pair;
      }),
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
    // A parameter frozen since (requiresGrad false, Module.freeze) is left alone, as PyTorch
    // skips a parameter whose grad is None; its old .grad belongs to another graph.
    const live = this.params.flatMap((p, i) => (p.requiresGrad ? [[p, i] as const] : []));
    const items = live.map(([p, i]): ParamUpdate => {
      if (!p.grad)
        throw new WgnoError(
          this.constructor.name,
          `parameter '${this.names[i]}' ${fmtShape(p.shape)} has no gradient: call loss.backward() before compiling the step, and check the loss depends on it`,
        );
      let st = this.state.get(p);
      if (!st) this.state.set(p, (st = this.makeState(p)));
      return { p, g: p.grad, state: st };
    });
    return this.updateAll(items);
  }

  /**
   * The dispatches updating every live parameter: one each by default; an optimizer whose
   * kernel takes several parameters per dispatch (Adam's foreach) overrides this.
   */
  protected updateAll(items: readonly ParamUpdate[]): Update[] {
    return items.map(({ p, g, state }) => this.update(p, g, state));
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

  /** Before every run of a step this optimizer updates (UpdateSet): advance the step count. */
  beforeRun(): void {
    this.tick();
  }

  /** The number of parameter groups (1 when the optimizer was given one list). */
  get groupCount(): number {
    return this.lrScales.length;
  }

  /** The learning rate of parameter group `i` for the next run. */
  groupLr(i: number): number {
    this.checkGroup(i);
    return this.lr * this.lrScales[i];
  }

  /** Set group `i`'s learning rate (it then follows changes of `lr` in proportion). */
  setGroupLr(i: number, lr: number): void {
    this.checkGroup(i);
    checkLr(this.constructor.name, `group ${i} lr`, lr);
    this.lrScales[i] = groupScale(this.constructor.name, i, lr, this.lr);
  }

  /** The learning rate of parameter p's group for the next run (the update kernels' uniform). */
  protected lrOf(p: Tensor): number {
    return this.lr * this.lrScales[this.groupOf.get(p) ?? 0];
  }

  private checkGroup(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.lrScales.length)
      throw new WgnoError(
        this.constructor.name,
        `parameter group ${i} does not exist; there are ${this.lrScales.length}`,
      );
  }

  /** Advance the step count by one (what a run of a compiled step does, through beforeRun). */
  tick(): void {
    this.stepCount++;
  }

  /** Names of the state tensors per parameter, as PyTorch's optimizer state_dict has them. */
  protected abstract readonly stateNames: readonly string[];
  /** The zeroed state tensors of one parameter. */
  protected abstract makeState(p: Tensor): Tensor[];
  /** The in-place update of p from its gradient g and state (one dispatch). */
  protected abstract update(p: Tensor, g: Tensor, state: Tensor[]): Update;
}

function checkLr(op: string, name: string, lr: number): void {
  requireFinite(op, name, lr);
  if (lr < 0) throw new WgnoError(op, `${name} must be >= 0, got ${lr}`);
}

/** Group i's lr as a multiple of the optimizer's (1 when the group gives none). */
function groupScale(op: string, i: number, groupLr: number | undefined, lr: number): number {
  if (groupLr === undefined) return 1;
  checkLr(op, `group ${i} lr`, groupLr);
  if (lr === 0 && groupLr !== 0)
    throw new WgnoError(
      op,
      `group ${i} lr ${groupLr} with an optimizer lr of 0: group learning rates are kept as multiples of lr, so give lr > 0`,
    );
  return lr === 0 ? 0 : groupLr / lr;
}
