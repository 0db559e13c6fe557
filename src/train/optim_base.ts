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

/** Parameters as a list, or as [name, tensor] pairs (a model's namedParameters()). */
export type ParamList = readonly Tensor[] | readonly (readonly [string, Tensor])[];

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

  /** Before every run of a step this optimizer updates (UpdateSet): advance the step count. */
  beforeRun(): void {
    this.tick();
  }

  /** Advance the step count by one (what a run of a compiled step does, through beforeRun). */
  tick(): void {
    this.stepCount++;
  }

  protected abstract readonly stateNames: readonly string[];
  protected abstract makeState(p: Tensor): Tensor[];
  protected abstract update(p: Tensor, g: Tensor, state: Tensor[]): Update;
}
