import { WgnoError } from '../errors';
import type { Gpu } from '../gpu/gpu';
import { Program, type DispatchSpec, type ProfileOptions } from '../gpu/program';
import type { Cost } from './op';
import type { Plan, Storage } from './planner';
import { sameShape } from './shape';
import type { StepCost } from './step_cost';
import type { Location, Tensor } from './tensor';

/**
 * A planned step: every buffer is made once, here, and its dispatches become one Program
 * (src/gpu/program.ts: pipelines, bind groups and uniforms made once). `run()` only records the
 * dispatches into one command encoder and submits once: replaying a step allocates nothing.
 * Write new inputs into leaves with `tensor.write()` between runs.
 */
export class Step {
  private destroyed = false;
  /** Registration with the device: destroying the device destroys this step. */
  private release: { forget(): void } | null = null;
  private constructor(
    private readonly rt: Gpu,
    /** Memory of intermediates: the slots this step allocated vs one buffer per tensor. */
    readonly memory: {
      /** Bytes of the slot buffers this step allocated. */
      readonly peakBytes: number;
      /** Bytes one buffer per intermediate would take. */
      readonly naiveBytes: number;
    },
    private readonly slots: GPUBuffer[],
    private readonly program: Program,
    private readonly beforeRun: readonly (() => void)[],
    /**
     * What one run moves and computes, against the ideal for this graph (see StepCost): counts
     * from the plan, no GPU work. Costs are per dispatch, as the ops' lowerings declare them.
     *
     * @example
     * const { bytes, ideal, ratio, flops, dispatches } = step.cost;
     */
    readonly cost: StepCost,
    private readonly costs: readonly Cost[],
  ) {}

  /**
   * Allocates the plan's slot buffers and builds its Program. Internal: users get Steps from
   * `rt.compile()`.
   */
  static async create(
    rt: Gpu,
    plan: Plan,
    label: string,
    beforeRun: readonly (() => void)[] = [],
  ): Promise<Step> {
    const slots = plan.slotBytes.map((bytes, i) =>
      rt.createBuffer({
        label: `${label}/slot${i}`,
        size: bytes,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      }),
    );
    const bufferOf = (s: Storage): GPUBuffer => {
      if ('leaf' in s) {
        s.leaf.assertAlive(label);
        return s.leaf.buffer!;
      }
      return slots[s.slot];
    };
    const specs = plan.dispatches.map((pd): DispatchSpec => ({
      kernel: pd.dispatch.kernel,
      params: pd.dispatch.params,
      refresh: pd.dispatch.dynamic,
      storage: pd.ranges.map((r) => ({
        buffer: bufferOf(r.storage),
        offset: 0,
        size: Math.max(4, r.bytes),
      })),
      grid: pd.dispatch.grid,
      overrides: pd.dispatch.overrides,
      label: `${pd.label}/${pd.dispatch.kernel.name}`, // `op#id/kernel` in profiles
    }));
    const program = await Program.create(rt, label, specs);
    const step = new Step(
      rt,
      { peakBytes: plan.peakBytes, naiveBytes: plan.naiveBytes },
      slots,
      program,
      beforeRun,
      plan.cost,
      plan.dispatches.map((pd) => pd.cost),
    );
    for (const [t, s] of plan.outputs) step.outputs.push({ t, s, loc: step.locationOf(s) });
    for (const pd of plan.dispatches)
      for (const r of pd.ranges) if ('leaf' in r.storage) step.leaves.add(r.storage.leaf);
    step.release = rt.onDestroy(() => step.destroy());
    return step;
  }

  /**
   * Where each output lives once this step has run. A run points its outputs here (claims them),
   * so a tensor output by several Steps reads the value of the latest run that computed it, and
   * reading it before any of them ran (or after that step was destroyed) computes it afresh:
   * never a stale buffer of another Step.
   */
  private readonly outputs: { t: Tensor; s: Storage; loc: Location }[] = [];

  /** Every leaf a dispatch of this step reads or writes, and what bind() put in its place. */
  private readonly leaves = new Set<Tensor>();
  private readonly bound = new Map<Tensor, Tensor>();

  /**
   * Run this step on another leaf of the same shape and dtype in place of `leaf`: a new batch
   * already on the GPU, say, with no trip through the host and no re-planning. The dispatches
   * that read `leaf` get new bind groups here (a few); runs allocate nothing. `bind(x, x)`
   * restores the original. Outputs computed from `leaf` are computed from `to` from the next run.
   *
   * @example
   * const step = await rt.compile({ outputs: [loss], updates: [adam] });
   * for (const batch of batchesOnGpu) {
   *   step.bind(x, batch); // batch: a leaf of x's shape
   *   step.run();
   * }
   */
  bind(leaf: Tensor, to: Tensor): void {
    const op = 'step.bind';
    if (this.destroyed) throw new WgnoError(op, 'this step was destroyed');
    if (!this.leaves.has(leaf))
      throw new WgnoError(
        op,
        `${leaf} is not a leaf this step reads (bind replaces a leaf input of the compiled graph)`,
      );
    to.assertAlive(op);
    if (!to.isLeaf || !to.buffer)
      throw new WgnoError(op, `${to} is computed; bind a leaf (rt.tensor) holding the new values`);
    if (to.rt !== leaf.rt) throw new WgnoError(op, `${to} belongs to another Runtime`);
    if (to.dtype !== leaf.dtype || !sameShape(to.shape, leaf.shape))
      throw new WgnoError(
        op,
        `${to} must have the shape and dtype of ${leaf} (a step is planned for fixed shapes)`,
      );
    if (to === leaf) this.bound.delete(leaf);
    else this.bound.set(leaf, to);
    const map = new Map<GPUBuffer, GPUBuffer>();
    for (const [from, t] of this.bound) map.set(from.buffer!, t.buffer!);
    this.program.rebind(map);
    // An output that is a view of the rebound leaf (a reshape of it) now shows `to`.
    for (const o of this.outputs)
      if ('leaf' in o.s && o.s.leaf === leaf) o.loc = this.locationOf(o.s);
  }

  private locationOf(s: Storage): Location {
    // A view of a leaf (reshape of a parameter) reads the leaf's own buffer (or its bind()).
    if ('leaf' in s) {
      const leaf = this.bound.get(s.leaf) ?? s.leaf;
      return { buffer: leaf.buffer!, ready: () => !leaf.isDestroyed };
    }
    return { buffer: this.slots[s.slot], ready: () => !this.destroyed };
  }

  private claimOutputs(): void {
    for (const o of this.outputs) o.t.location = o.loc;
  }

  /** Number of kernel launches one run records. */
  get dispatchCount(): number {
    return this.program.dispatchCount;
  }

  /** Encode every dispatch into one command encoder and submit once. */
  run(): void {
    this.prepare('step.run');
    this.program.run();
    this.claimOutputs();
  }

  /**
   * One real run (it has every effect of run(), optimizer updates included) timing each
   * dispatch, with the bytes it reads and writes and its FLOPs (`Cost`, as `step.cost` sums
   * them): where a step spends its time, and whether that time goes to moving bytes. By default
   * each dispatch is submitted alone and its wall time taken; `{ timestamps: true }` uses GPU
   * timestamp queries when the device has 'timestamp-query' (see `timer` in each row). Slow; for
   * profiling, never inside a training loop.
   *
   * @example
   * for (const d of await step.profile({ timestamps: true }))
   *   console.log(d.label, d.ms, (d.read + d.write) / d.ms / 1e6, 'GB/s');
   */
  async profile(opts: ProfileOptions = {}): Promise<
    ({
      /** The dispatch's op (or fused ops, e.g. 'matmul+gelu') and its tensor. */
      label: string;
      /** Time of that dispatch alone, in milliseconds. */
      ms: number;
      /** How `ms` was taken: GPU timestamps, or wall time of a submit of it alone. */
      timer: 'timestamp' | 'wall';
    } & Cost)[]
  > {
    this.prepare('step.profile');
    const out = await this.program.profile(opts);
    this.claimOutputs();
    return out.map((d, i) => ({ ...d, ...this.costs[i] }));
  }

  private prepare(op: string): void {
    if (this.destroyed) throw new WgnoError(op, 'this step was destroyed');
    this.rt.assertUsable(op);
    for (const t of this.bound.values()) t.assertAlive(op);
    // Hooks first (an optimizer's tick): the program's per-run uniforms read what they set.
    for (const h of this.beforeRun) h();
  }

  /** Frees the step's buffers and GPU objects; its outputs can no longer be read. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.release?.forget();
    for (const b of this.slots) b.destroy();
    this.program.destroy();
  }
}
