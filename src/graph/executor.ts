import { WgnoError } from '../errors';
import { baseOverrides } from '../gpu/kernel';
import type { Runtime } from '../gpu/runtime';
import type { Plan, Storage } from './planner';
import type { Tensor } from './tensor';

interface Encoded {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  grid: readonly [number, number, number];
  /** `op#id/kernel` for profiles and GPU labels. */
  label: string;
  /** Uniforms re-packed before each run into a host buffer made once. */
  dynamic?: { offset: number; host: ArrayBuffer; refresh: () => void };
}

/**
 * A planned step: every buffer, uniform, pipeline and bind group is made once, here. `run()` only
 * records the dispatches into one command encoder and submits once: replaying a step allocates
 * nothing. Write new inputs into leaves with `tensor.write()` between runs.
 */
export class Step {
  private runs = 0;
  private destroyed = false;
  private constructor(
    private readonly rt: Runtime,
    /** Memory of intermediates: the slots this step allocated vs one buffer per tensor. */
    readonly memory: { readonly peakBytes: number; readonly naiveBytes: number },
    private readonly slots: GPUBuffer[],
    private readonly uniforms: GPUBuffer | null,
    private readonly encoded: Encoded[],
    private readonly beforeRun: readonly (() => void)[],
  ) {}

  static async create(
    rt: Runtime,
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
    const ua = rt.device.limits.minUniformBufferOffsetAlignment;
    const offsets: number[] = [];
    let total = 0;
    for (const pd of plan.dispatches) {
      offsets.push(total);
      if (pd.dispatch.kernel.params) total += Math.ceil(pd.dispatch.kernel.params.size / ua) * ua;
    }
    const uniforms = total
      ? rt.createBuffer({
          label: `${label}/uniforms`,
          size: total,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        })
      : null;
    const host = new ArrayBuffer(total);
    const bufferOf = (s: Storage): GPUBuffer => {
      if ('leaf' in s) {
        s.leaf.assertAlive(label);
        return s.leaf.buffer!;
      }
      return slots[s.slot];
    };
    const encoded = await Promise.all(
      plan.dispatches.map(async (pd, i): Promise<Encoded> => {
        const d = pd.dispatch;
        const k = d.kernel;
        const pipeline = await rt.pipeline(k, { ...baseOverrides(), ...d.overrides });
        const entries: GPUBindGroupEntry[] = [];
        if (k.params) {
          k.params.pack({ ...d.params, ...d.dynamic?.() } as never, host, offsets[i]);
          entries.push({
            binding: 0,
            resource: { buffer: uniforms!, offset: offsets[i], size: k.params.size },
          });
        }
        const base = k.params ? 1 : 0;
        pd.ranges.forEach((r, j) =>
          entries.push({
            binding: base + j,
            resource: { buffer: bufferOf(r.storage), offset: 0, size: Math.max(4, r.bytes) },
          }),
        );
        const bindGroup = rt.createBindGroup({
          label: `${label}/${pd.label}/${k.name}`,
          layout: pipeline.getBindGroupLayout(0),
          entries,
        });
        let dynamic: Encoded['dynamic'];
        if (d.dynamic && k.params) {
          const params = k.params;
          const values = d.dynamic;
          const host = new ArrayBuffer(params.size);
          dynamic = {
            offset: offsets[i],
            host,
            refresh: () => void params.pack({ ...d.params, ...values() } as never, host),
          };
        }
        return { pipeline, bindGroup, grid: d.grid, dynamic, label: `${pd.label}/${k.name}` };
      }),
    );
    if (uniforms) rt.device.queue.writeBuffer(uniforms, 0, host);
    const step = new Step(
      rt,
      { peakBytes: plan.peakBytes, naiveBytes: plan.naiveBytes },
      slots,
      uniforms,
      encoded,
      beforeRun,
    );
    for (const [t, s] of plan.outputs) step.bindOutput(t, s);
    return step;
  }

  private bindOutput(t: Tensor, s: Storage): void {
    // A view of a leaf (reshape of a parameter) reads the leaf's own buffer.
    if ('leaf' in s) t.location = { buffer: s.leaf.buffer!, ready: () => !s.leaf.isDestroyed };
    else t.location = { buffer: this.slots[s.slot], ready: () => this.runs > 0 && !this.destroyed };
  }

  /** Number of kernel launches one run records. */
  get dispatchCount(): number {
    return this.encoded.length;
  }

  /** Encode every dispatch into one command encoder and submit once. */
  run(): void {
    this.prepare('step.run');
    this.submit(this.encoded);
    this.runs++;
  }

  /**
   * One real run (it has every effect of run(), optimizer updates included) with each dispatch
   * submitted alone and awaited, returning the wall time of each: where a step spends its time.
   * Slow (one queue round trip per dispatch); for profiling, never inside a training loop.
   */
  async profile(): Promise<{ label: string; ms: number }[]> {
    this.prepare('step.profile');
    const out: { label: string; ms: number }[] = [];
    for (const e of this.encoded) {
      const t0 = performance.now();
      this.submit([e]);
      await this.rt.device.queue.onSubmittedWorkDone();
      out.push({ label: e.label, ms: performance.now() - t0 });
    }
    this.runs++;
    return out;
  }

  private prepare(op: string): void {
    if (this.destroyed) throw new WgnoError(op, 'this step was destroyed');
    this.rt.assertUsable(op);
    for (const h of this.beforeRun) h();
    for (const e of this.encoded) {
      if (!e.dynamic) continue;
      e.dynamic.refresh();
      this.rt.device.queue.writeBuffer(this.uniforms!, e.dynamic.offset, e.dynamic.host);
    }
  }

  private submit(list: readonly Encoded[]): void {
    const enc = this.rt.device.createCommandEncoder({ label: 'wgno step' });
    const pass = enc.beginComputePass({ label: 'wgno step' });
    for (const e of list) {
      pass.setPipeline(e.pipeline);
      pass.setBindGroup(0, e.bindGroup);
      pass.dispatchWorkgroups(e.grid[0], e.grid[1], e.grid[2]);
    }
    pass.end();
    this.rt.submit(enc.finish(), list.length);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.slots) b.destroy();
    this.uniforms?.destroy();
  }
}
