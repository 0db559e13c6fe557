/**
 * The pieces every recorder of GPU work shares (Program, DrawPass, the demo's presenters): what
 * they need of the device layer, one submit per command encoder, and the uniform structs of
 * several passes packed into one buffer.
 */
import type { Gpu } from './gpu';
import type { UniformLayout } from './uniforms';

/**
 * What a Program needs of the device layer: the Gpu (and so the Runtime built on it). Every
 * creation goes through it, so its counters see every object made.
 */
export type GpuContext = Pick<
  Gpu,
  'device' | 'pipeline' | 'createBuffer' | 'createBindGroup' | 'submit' | 'assertUsable'
>;

/** Uniform values by field name: numbers for scalars, arrays for vec4 arrays. */
export type Values = Record<string, number | readonly number[]>;

/** One command encoder, filled by `encode` and submitted once (Programs, DrawPass, presenters). */
export function submitCommands(
  gpu: Pick<GpuContext, 'device' | 'submit'>,
  label: string,
  encode: (enc: GPUCommandEncoder) => void,
  dispatches = 0,
): void {
  const enc = gpu.device.createCommandEncoder({ label });
  encode(enc);
  gpu.submit(enc.finish(), dispatches);
}

/**
 * Uniform structs of several passes in one buffer, each at an offset aligned to the device's
 * minUniformBufferOffsetAlignment (no buffer at all when no pass has uniforms).
 */
export class UniformSlots {
  private readonly buffer: GPUBuffer | null;
  private readonly host: ArrayBuffer;
  private readonly offsets: number[] = [];
  private readonly queue: GPUQueue;

  constructor(
    gpu: GpuContext,
    label: string,
    private readonly layouts: readonly (UniformLayout | null)[],
  ) {
    this.queue = gpu.device.queue;
    const align = gpu.device.limits.minUniformBufferOffsetAlignment;
    let total = 0;
    for (const l of layouts) {
      this.offsets.push(total);
      if (l) total += Math.ceil(l.size / align) * align;
    }
    this.host = new ArrayBuffer(total);
    this.buffer = total
      ? gpu.createBuffer({
          label: `${label}/uniforms`,
          size: total,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        })
      : null;
  }

  /** Packs slot i on the host; upload() or write() sends it. */
  pack(i: number, values: Values): void {
    this.layouts[i]!.pack(values as never, this.host, this.offsets[i]);
  }

  /** The binding-0 entry of slot i. */
  entry(i: number): GPUBindGroupEntry {
    const size = this.layouts[i]!.size;
    return { binding: 0, resource: { buffer: this.buffer!, offset: this.offsets[i], size } };
  }

  /**
   * Writes slot i (slots i..last with `last`: one write for a run's per-run values), or every
   * slot, to the GPU (queued: it lands before the next submit).
   */
  write(i?: number, last = i): void {
    if (!this.buffer) return;
    const [at, size] =
      i === undefined
        ? [0, this.host.byteLength]
        : [this.offsets[i], this.offsets[last!] + this.layouts[last!]!.size - this.offsets[i]];
    this.queue.writeBuffer(this.buffer, at, this.host, at, size);
  }

  destroy(): void {
    this.buffer?.destroy();
  }
}
