/**
 * Records the dispatches of a one-shot GPU computation (a neighbour search is run once per point
 * set, not replayed like a graph Step): scratch buffers, one uniform buffer per submit with every
 * dispatch's parameters at aligned offsets, pipelines from the Runtime's cache, one compute pass.
 */
import { WgnoError } from '../errors';
import { baseOverrides, grid1d, type KernelDef } from '../gpu/kernel';
import type { Runtime } from '../gpu/runtime';
import type { UniformFields, UniformValues } from '../gpu/uniforms';

interface Recorded {
  kernel: KernelDef;
  values: Record<string, number | readonly number[]> | null;
  buffers: readonly GPUBuffer[];
  threads: number;
  overrides: Record<string, number>;
}

export class Recorder {
  private recorded: Recorded[] = [];
  private readonly owned = new Set<GPUBuffer>();

  constructor(
    readonly rt: Runtime,
    readonly label: string,
  ) {}

  /** A storage buffer of `words` 32-bit words (at least one); freed by release() unless kept. */
  buffer(name: string, words: number): GPUBuffer {
    const size = 4 * Math.max(1, words);
    const max = this.rt.device.limits.maxStorageBufferBindingSize;
    if (size > max)
      throw new WgnoError(
        this.label,
        `${name} needs ${size} bytes, more than this device's maxStorageBufferBindingSize of ${max}`,
      );
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const b = this.rt.createBuffer({ label: `${this.label}/${name}`, size, usage });
    this.owned.add(b);
    return b;
  }

  upload(name: string, data: Float32Array | Uint32Array): GPUBuffer {
    const b = this.buffer(name, data.length);
    this.rt.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  /** Records one dispatch of `threads` invocations (bindings 1.. in order, 0 is the uniform). */
  dispatch<F extends UniformFields>(
    kernel: KernelDef<F>,
    values: UniformValues<F> | null,
    buffers: readonly GPUBuffer[],
    threads: number,
    overrides: Record<string, number> = {},
  ): void {
    if (buffers.length !== kernel.storage.length)
      throw new Error(`${kernel.name}.${kernel.entry}: ${buffers.length} buffers bound`);
    this.recorded.push({
      kernel: kernel as unknown as KernelDef,
      values: values as Record<string, number | readonly number[]> | null,
      buffers,
      threads,
      overrides,
    });
  }

  /** Encodes everything recorded since the last submit in one compute pass, then `after`. */
  async submit(after?: (enc: GPUCommandEncoder) => void): Promise<void> {
    const rt = this.rt;
    const todo = this.recorded;
    this.recorded = [];
    const align = rt.device.limits.minUniformBufferOffsetAlignment;
    const offsets: number[] = [];
    let total = 0;
    for (const r of todo) {
      offsets.push(total);
      if (r.kernel.params) total += Math.ceil(r.kernel.params.size / align) * align;
    }
    const host = new ArrayBuffer(Math.max(16, total));
    const uniforms = rt.createBuffer({
      label: `${this.label}/uniforms`,
      size: host.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.owned.add(uniforms);
    const pipelines = await Promise.all(
      todo.map((r) => rt.pipeline(r.kernel, { ...baseOverrides(), ...r.overrides })),
    );
    const enc = rt.device.createCommandEncoder({ label: this.label });
    const pass = enc.beginComputePass({ label: this.label });
    todo.forEach((r, i) => {
      const entries: GPUBindGroupEntry[] = [];
      if (r.kernel.params && r.values) {
        r.kernel.params.pack(r.values as never, host, offsets[i]);
        const size = r.kernel.params.size;
        entries.push({ binding: 0, resource: { buffer: uniforms, offset: offsets[i], size } });
      }
      const base = entries.length;
      r.buffers.forEach((buffer, j) => entries.push({ binding: base + j, resource: { buffer } }));
      const name = `${this.label}/${r.kernel.name}.${r.kernel.entry}`;
      pass.setPipeline(pipelines[i]);
      pass.setBindGroup(
        0,
        rt.createBindGroup({ label: name, layout: pipelines[i].getBindGroupLayout(0), entries }),
      );
      const [x, y, z] = grid1d(r.threads);
      pass.dispatchWorkgroups(x, y, z);
    });
    pass.end();
    rt.device.queue.writeBuffer(uniforms, 0, host);
    after?.(enc);
    rt.submit(enc.finish(), todo.length);
  }

  /** Destroys every buffer this recorder made except `keep` (the results it hands out). */
  release(keep: readonly GPUBuffer[] = []): void {
    for (const b of this.owned) if (!keep.includes(b)) b.destroy();
    this.owned.clear();
  }
}

/**
 * Runs `body` inside validation and out-of-memory error scopes and turns what they catch into a
 * WgnoError naming `op`.
 */
export async function guarded<T>(rt: Runtime, op: string, body: () => Promise<T>): Promise<T> {
  rt.assertUsable(op);
  rt.device.pushErrorScope('out-of-memory');
  rt.device.pushErrorScope('validation');
  let result: T | undefined;
  let failure: unknown = null;
  try {
    result = await body();
  } catch (e) {
    failure = e;
  }
  const validation = await rt.device.popErrorScope();
  const memory = await rt.device.popErrorScope();
  if (failure !== null) throw failure;
  const err = validation ?? memory;
  if (err) {
    (result as { destroy?: () => void } | undefined)?.destroy?.();
    throw new WgnoError(op, `WebGPU rejected the search: ${err.message}`);
  }
  return result as T;
}
