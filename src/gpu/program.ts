/**
 * The one way wgno records GPU work, after webgpu-samples' one class per pass: everything a pass
 * needs (pipelines, bind groups, uniform storage) is made once, when it is created, and running it
 * only encodes. A `Program` is an ordered list of compute dispatches with one uniform buffer
 * (each dispatch's struct at an aligned offset); `run()` records them into one compute pass of
 * one command encoder and submits once. A graph Step (src/graph/executor.ts), the neighbour
 * searches (src/geometry/workspace.ts) and the Darcy solver (src/pde/darcy_passes.ts) are
 * Programs; the field renderer (src/viz/field_view.ts) draws with the render sibling `DrawPass`
 * (src/gpu/draw_pass.ts), and every submit goes through `submitCommands`.
 */
import { WgnoError } from '../errors';
import { UniformSlots, submitCommands, type GpuContext, type Values } from './encoding';
import { baseOverrides, type KernelDef } from './kernel';
import type { Scalar, UniformFields } from './uniforms';

/** A storage binding: a whole buffer, or a byte range of one. */
export type { GpuContext };

export type StorageBinding = GPUBuffer | GPUBufferBinding;

/**
 * Values of a uniform struct, any subset of its fields: numbers for scalars, arrays for vec4
 * arrays. Distributes over a field's type, so a struct known only at run time takes either.
 */
export type ParamsOf<F extends UniformFields> = {
  [K in keyof F]?: F[K] extends infer T ? (T extends Scalar ? number : readonly number[]) : never;
};

/** One kernel launch of a Program, as its creator describes it. */
export interface DispatchSpec<F extends UniformFields = UniformFields> {
  kernel: KernelDef<F>;
  /** The kernel's uniform struct (binding 0), packed once; required when the kernel has one. */
  params?: ParamsOf<F>;
  /** Uniform fields re-packed over `params` before every run (step counters, learning rates). */
  refresh?: () => ParamsOf<F>;
  /** Storage buffers in the kernel's binding order (bindings 1.., or 0.. without uniforms). */
  storage: readonly StorageBinding[];
  /** Workgroups per dimension (grid1d(threads) for 1-D kernels). */
  grid: readonly [number, number, number];
  /** Override constants on top of baseOverrides() (WG and the kernel's own). */
  overrides?: Record<string, number>;
  /** Names the dispatch in profiles and GPU labels. Default `kernel.entry`. */
  label?: string;
}

/** Records this many passes over the list, plus commands around the compute pass. */
export interface RunOptions {
  /** Times the whole list is recorded into the one pass (an iterative solver's chunk). Default 1. */
  repeat?: number;
  /** Encodes commands before the compute pass (e.g. clearing a buffer). */
  before?: (enc: GPUCommandEncoder) => void;
  /** Encodes commands after it (e.g. copying a result out for readback). */
  after?: (enc: GPUCommandEncoder) => void;
}

/** How `Program.profile()` times dispatches. */
export interface ProfileOptions {
  /** GPU timestamps when the device has 'timestamp-query' (wall time otherwise). Default false. */
  timestamps?: boolean;
}

/** One dispatch's time in a profile, and how it was taken. */
export interface ProfileRow {
  /** The dispatch's label. */
  label: string;
  /** Milliseconds. */
  ms: number;
  /** 'timestamp': GPU time between timestamps around its pass; 'wall': submit to completion. */
  timer: 'timestamp' | 'wall';
}

/** One dispatch of a Program: its pipeline and bind group, made once; record() only encodes. */
export class Dispatch {
  private bindGroup: GPUBindGroup;
  constructor(
    /** Names the dispatch in profiles (the Program's label prefixes GPU object labels). */
    readonly label: string,
    private readonly pipeline: GPUComputePipeline,
    /** The bind group made at creation, and the entries it was made from (for rebind). */
    private readonly original: { group: GPUBindGroup; entries: readonly GPUBindGroupEntry[] },
    readonly grid: readonly [number, number, number],
    /** Re-packs this dispatch's uniforms on the host (present only for per-run values). */
    readonly refresh: (() => void) | null,
  ) {
    this.bindGroup = original.group;
  }

  /**
   * Bind `map.get(b)` wherever the original bindings hold buffer b (the original group again when
   * no key occurs). Returns whether a new bind group was made.
   */
  rebind(gpu: GpuContext, label: string, map: ReadonlyMap<GPUBuffer, GPUBuffer>): boolean {
    const swap = (e: GPUBindGroupEntry): GPUBindGroupEntry => {
      const r = e.resource as GPUBufferBinding;
      const to = 'buffer' in r ? map.get(r.buffer) : undefined;
      return to ? { binding: e.binding, resource: { ...r, buffer: to } } : e;
    };
    const entries = this.original.entries.map(swap);
    if (entries.every((e, i) => e === this.original.entries[i])) {
      this.bindGroup = this.original.group;
      return false;
    }
    const layout = this.pipeline.getBindGroupLayout(0);
    this.bindGroup = gpu.createBindGroup({ label: `${label}/${this.label}`, layout, entries });
    return true;
  }

  /** Encodes the dispatch; the pipeline is set only when it differs from `current`'s. */
  record(
    pass: GPUComputePassEncoder,
    current: GPUComputePipeline | null = null,
  ): GPUComputePipeline {
    if (this.pipeline !== current) pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1], this.grid[2]);
    return this.pipeline;
  }
}

function checkSpec(program: string, spec: DispatchSpec, i: number): void {
  const k = spec.kernel;
  const name = spec.label ?? k.entry;
  const where = `dispatch ${i} (${name}, kernel ${k.name}.${k.entry})`;
  if (spec.storage.length !== k.storage.length)
    throw new WgnoError(
      `Program ${program}`,
      `${where} binds ${spec.storage.length} storage buffers; the kernel declares ${k.storage.length}`,
    );
  if (k.params && !spec.params && !spec.refresh)
    throw new WgnoError(
      `Program ${program}`,
      `${where} needs values for its uniform struct ${k.params.structName}`,
    );
}

async function makeDispatch(
  gpu: GpuContext,
  program: string,
  spec: DispatchSpec,
  uniforms: UniformSlots,
  i: number,
): Promise<Dispatch> {
  const k = spec.kernel;
  const name = spec.label ?? k.entry; // checked by Program.create
  const pipeline = await gpu.pipeline(k, { ...baseOverrides(), ...spec.overrides });
  const entries: GPUBindGroupEntry[] = [];
  let refresh: (() => void) | null = null;
  if (k.params) {
    const values = () => ({ ...spec.params, ...spec.refresh?.() }) as Values;
    uniforms.pack(i, values());
    entries.push(uniforms.entry(i));
    // Packs only: Program.refresh() writes every refreshed slot in one writeBuffer.
    if (spec.refresh) refresh = () => uniforms.pack(i, values());
  }
  for (const b of spec.storage)
    entries.push({ binding: entries.length, resource: 'buffer' in b ? b : { buffer: b } });
  const group = gpu.createBindGroup({
    label: `${program}/${name}`,
    layout: pipeline.getBindGroupLayout(0),
    entries,
  });
  return new Dispatch(name, pipeline, { group, entries }, spec.grid, refresh);
}

/**
 * An ordered list of compute dispatches made once and replayed: `run()` encodes them into one
 * compute pass and submits once, allocating nothing.
 *
 * @example
 * const prog = await Program.create(gpu, 'scale', [
 *   { kernel: scaleKernel, params: { n: 1024, alpha: 2 }, storage: [x, y], grid: grid1d(1024) },
 * ]);
 * prog.run(); // and again: no new pipeline, bind group or buffer
 * prog.destroy();
 */
export class Program {
  private destroyed = false;

  /** First and last dispatch with per-run uniforms (-1: none): one write covers them all. */
  private readonly refreshed: readonly [number, number];

  private constructor(
    private readonly gpu: GpuContext,
    readonly label: string,
    private readonly dispatches: readonly Dispatch[],
    private readonly uniforms: UniformSlots,
  ) {
    const dynamic = dispatches.flatMap((d, i) => (d.refresh ? [i] : []));
    this.refreshed = dynamic.length ? [dynamic[0], dynamic.at(-1)!] : [-1, -1];
  }

  /** Makes every pipeline (in parallel, from the Gpu's cache), bind group and the uniform buffer. */
  static async create(
    gpu: GpuContext,
    label: string,
    specs: readonly DispatchSpec[],
  ): Promise<Program> {
    specs.forEach((s, i) => checkSpec(label, s, i));
    const uniforms = new UniformSlots(
      gpu,
      label,
      specs.map((s) => s.kernel.params),
    );
    try {
      const dispatches = await Promise.all(
        specs.map((s, i) => makeDispatch(gpu, label, s, uniforms, i)),
      );
      uniforms.write();
      return new Program(gpu, label, dispatches, uniforms);
    } catch (e) {
      uniforms.destroy();
      throw e;
    }
  }

  /** Kernel launches one run records (times `repeat`). */
  get dispatchCount(): number {
    return this.dispatches.length;
  }

  /** Each dispatch's label, in order. */
  get labels(): string[] {
    return this.dispatches.map((d) => d.label);
  }

  /**
   * Encodes every dispatch into `pass`; nothing else (no uniform refresh: run() does that).
   * Consecutive dispatches of one pipeline (an optimizer's updates, FFT passes) set it once.
   */
  record(pass: GPUComputePassEncoder): void {
    let current: GPUComputePipeline | null = null;
    for (const d of this.dispatches) current = d.record(pass, current);
  }

  /**
   * Read and write other buffers of the same sizes: wherever a dispatch was created with buffer
   * b, bind `map.get(b)` from now on (a map without b restores b). Makes the bind groups of the
   * dispatches concerned, here; runs stay allocation-free. Returns how many it made.
   */
  rebind(map: ReadonlyMap<GPUBuffer, GPUBuffer>): number {
    let made = 0;
    for (const d of this.dispatches) if (d.rebind(this.gpu, this.label, map)) made++;
    return made;
  }

  /** Re-packs the per-run uniforms and writes them in one go; run() and profile() call it first. */
  refresh(): void {
    const [first, last] = this.refreshed;
    if (first < 0) return;
    for (let i = first; i <= last; i++) this.dispatches[i].refresh?.();
    this.uniforms.write(first, last);
  }

  /** Refreshes the per-run uniforms, records the list (`repeat` times) and submits once. */
  run(opts: RunOptions = {}): void {
    const { repeat = 1, before, after } = opts;
    if (!(Number.isInteger(repeat) && repeat >= 1))
      throw new WgnoError(`${this.label}.run`, `repeat = ${repeat}; need an integer >= 1`);
    this.prepare('run');
    const encode = (enc: GPUCommandEncoder) => {
      before?.(enc);
      const pass = enc.beginComputePass({ label: this.label });
      for (let r = 0; r < repeat; r++) this.record(pass);
      pass.end();
      after?.(enc);
    };
    submitCommands(this.gpu, this.label, encode, repeat * this.dispatches.length);
  }

  /**
   * One real run, timing each dispatch: where the time goes. By default each dispatch is
   * submitted alone and awaited and its wall time taken (`timer: 'wall'`: includes a queue round
   * trip). With `{ timestamps: true }` on a device granted 'timestamp-query', every dispatch gets
   * its own compute pass with GPU timestamps at its start and end, all in one submit
   * (`timer: 'timestamp'`: GPU time only; browsers may quantise it, Chromium to 0.1 ms). For
   * profiling, never in a loop.
   *
   * @example
   * const rows = await prog.profile({ timestamps: true }); // [{ label, ms, timer }, ...]
   */
  async profile(opts: ProfileOptions = {}): Promise<ProfileRow[]> {
    this.prepare('profile');
    if (opts.timestamps && this.gpu.device.features.has('timestamp-query'))
      return this.profileTimestamps();
    const out: ProfileRow[] = [];
    for (const d of this.dispatches) {
      const t0 = performance.now();
      const encode = (enc: GPUCommandEncoder) => {
        const pass = enc.beginComputePass({ label: `${this.label}/${d.label}` });
        d.record(pass);
        pass.end();
      };
      submitCommands(this.gpu, this.label, encode, 1);
      await this.gpu.device.queue.onSubmittedWorkDone();
      out.push({ label: d.label, ms: performance.now() - t0, timer: 'wall' });
    }
    return out;
  }

  /** Each dispatch in its own pass between two timestamp writes; one submit, one readback. */
  private async profileTimestamps(): Promise<ProfileRow[]> {
    const n = this.dispatches.length;
    const label = `${this.label}/profile`;
    const querySet = this.gpu.device.createQuerySet({ label, type: 'timestamp', count: 2 * n });
    const usage = GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC;
    const resolved = this.gpu.createBuffer({ label, size: 16 * n, usage });
    const readUsage = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const staging = this.gpu.createBuffer({ label, size: 16 * n, usage: readUsage });
    try {
      const encode = (enc: GPUCommandEncoder) => {
        this.dispatches.forEach((d, i) => {
          const timestampWrites = {
            querySet,
            beginningOfPassWriteIndex: 2 * i,
            endOfPassWriteIndex: 2 * i + 1,
          };
          const pass = enc.beginComputePass({ label: `${label}/${d.label}`, timestampWrites });
          d.record(pass);
          pass.end();
        });
        enc.resolveQuerySet(querySet, 0, 2 * n, resolved, 0);
        enc.copyBufferToBuffer(resolved, 0, staging, 0, 16 * n);
      };
      submitCommands(this.gpu, this.label, encode, n);
      await staging.mapAsync(GPUMapMode.READ);
      const ns = new BigInt64Array(staging.getMappedRange().slice(0));
      // Timestamps are nanoseconds; an end before its start (a reset counter) reads as 0.
      const ms = (i: number) => Math.max(0, Number(ns[2 * i + 1] - ns[2 * i])) / 1e6;
      return this.dispatches.map((d, i) => ({ label: d.label, ms: ms(i), timer: 'timestamp' }));
    } finally {
      staging.destroy();
      resolved.destroy();
      querySet.destroy();
    }
  }

  private prepare(what: string): void {
    if (this.destroyed) throw new WgnoError(`${this.label}.${what}`, 'this program was destroyed');
    this.gpu.assertUsable(`${this.label}.${what}`);
    this.refresh();
  }

  /** Frees the uniform buffer (the storage buffers belong to whoever passed them in). */
  destroy(): void {
    this.destroyed = true;
    this.uniforms.destroy();
  }
}
