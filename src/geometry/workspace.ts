/**
 * The scratch buffers and Programs of a GPU computation that runs once per input (a neighbour
 * search per point set, a CSR transpose per graph), not replayed like a graph Step. Dispatches are
 * described as the computation decides them (a row count read back sizes the next buffers); each
 * batch becomes one Program (src/gpu/program.ts), run once; release() frees every buffer and
 * uniform buffer except the results handed out.
 */
import { WgnoError } from '../errors';
import { grid1d, type KernelDef } from '../gpu/kernel';
import { Program, type DispatchSpec } from '../gpu/program';
import type { UniformFields, UniformValues } from '../gpu/uniforms';
import type { Runtime } from '../runtime/runtime';

export class Workspace {
  private pending: DispatchSpec[] = [];
  /** Buffers and Programs made here, destroyed by release(). */
  private readonly owned = new Set<GPUBuffer | Program>();

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

  /** Adds one dispatch of `threads` invocations (storage bindings in the kernel's order). */
  dispatch<F extends UniformFields>(
    kernel: KernelDef<F>,
    values: UniformValues<F>,
    buffers: readonly GPUBuffer[],
    threads: number,
    overrides: Record<string, number> = {},
  ): void {
    this.pending.push({
      kernel,
      params: values,
      storage: buffers,
      grid: grid1d(threads),
      overrides,
      label: `${kernel.name}.${kernel.entry}`,
    });
  }

  /** Runs everything added since the last submit as one Program (one submit), then `after`. */
  async submit(after?: (enc: GPUCommandEncoder) => void): Promise<void> {
    const specs = this.pending;
    this.pending = [];
    const program = await Program.create(this.rt, this.label, specs);
    this.owned.add(program); // release() frees its uniform buffer with the scratch buffers
    program.run({ after });
  }

  /** Destroys every buffer and Program made here except `keep` (the results it hands out). */
  release(keep: readonly GPUBuffer[] = []): void {
    for (const b of this.owned) if (!keep.includes(b as GPUBuffer)) b.destroy();
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
