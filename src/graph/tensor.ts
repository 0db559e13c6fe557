import { WgnoError, fmtShape } from '../errors';
import { backward } from './autodiff';
import type { Engine } from './engine';
import type { OpName } from './registry';
import { byteSize, numel, type DType, type Shape, type TensorSpec } from './shape';

let nextId = 1;

/** Where a computed tensor's value lives after a step ran. */
export interface Location {
  readonly buffer: GPUBuffer;
  readonly ready: () => boolean;
}

/**
 * A handle to a value on the GPU. Leaves own a buffer (parameters, inputs, constants); every other
 * tensor is a node of the lazily recorded graph: `op` applied to `inputs` with `attrs`. Nothing runs
 * until a value is needed: `await t.read()`, or a compiled Step.
 *
 * Layout: row-major, channel-first; complex64 is interleaved (re, im) f32 pairs.
 */
export class Tensor implements TensorSpec {
  /** Unique per process, in creation order (graphs sort by it). */
  readonly id = nextId++;
  /** Dimensions, row-major. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** The gradient of the last `backward()` that reached this tensor (a lazy tensor). */
  grad: Tensor | null = null;
  /** Set by the planner when a step computes this tensor as an output. */
  location: Location | null = null;
  /**
   * Tensors to compute together with this one when a read has to run the graph: the loss and
   * every gradient of the `backward()` that made this gradient, so reading twenty gradients one
   * after another runs forward and backward once, not twenty times.
   */
  evaluateWith: readonly Tensor[] | null = null;
  private destroyed = false;

  constructor(
    /** The runtime that owns it. */
    readonly rt: Engine,
    spec: TensorSpec,
    /** The op that computes it; null for a leaf (data uploaded by the user). */
    readonly op: OpName | null,
    /** The op's input tensors. */
    readonly inputs: readonly Tensor[],
    /** The op's attributes (axes, flags, ...), as its definition declares them. */
    readonly attrs: unknown,
    /** Whether `backward()` computes a gradient for it (and for what depends on it). */
    public requiresGrad: boolean,
    /** Leaf storage; null for computed tensors. */
    readonly buffer: GPUBuffer | null,
    /** Whether destroy() releases the leaf's buffer (not a caller's: indexTensorFromBuffer). */
    private readonly ownsBuffer = true,
  ) {
    this.shape = Object.freeze([...spec.shape]);
    this.dtype = spec.dtype;
  }

  /** True for data made by `rt.tensor()` / `rt.zeros()` (no op computes it). */
  get isLeaf(): boolean {
    return this.op === null;
  }
  /** Number of elements (complex elements count once). */
  get size(): number {
    return numel(this.shape);
  }
  /** Bytes of its storage (size times 4, 8 for complex64). */
  get bytes(): number {
    return byteSize(this);
  }
  /** True after `destroy()`. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Copy the value to the CPU. Computes it first if no step has. Complex: interleaved pairs. */
  async read(): Promise<Float32Array> {
    if (this.dtype === 'i32')
      throw new WgnoError('read', `${this} holds indices; read it with readIndices()`);
    return this.readRaw('read');
  }

  /** Copy an i32 index tensor to the CPU. */
  async readIndices(): Promise<Int32Array> {
    if (this.dtype !== 'i32')
      throw new WgnoError('readIndices', `${this} is not an index tensor; read it with read()`);
    const f = await this.readRaw('readIndices');
    return new Int32Array(f.buffer, f.byteOffset, f.length);
  }

  /** The bytes of the value (as f32 words), computing it first if no step has. */
  private async readRaw(what: string): Promise<Float32Array> {
    this.assertAlive(what);
    if (this.buffer) return this.rt.readBuffer(this.buffer, this.bytes);
    if (!this.location || !this.location.ready())
      await this.rt.evaluate([this, ...(this.evaluateWith ?? [])]);
    return this.rt.readBuffer(this.location!.buffer, this.bytes);
  }

  /**
   * The GPU buffer holding this value right now, for zero-copy use by the caller's own GPU work
   * (rendering a field, say): a leaf's own buffer, or the slot of the step that computed it
   * (valid until that step runs again). Throws if no step has computed it yet.
   */
  gpuBuffer(): GPUBuffer {
    this.assertAlive('gpuBuffer');
    if (this.buffer) return this.buffer;
    if (!this.location || !this.location.ready())
      throw new WgnoError(
        'gpuBuffer',
        `tensor ${fmtShape(this.shape)} ('${this.op}') has not been computed; run a step that outputs it first`,
      );
    return this.location.buffer;
  }

  /**
   * Reverse-mode autodiff from this scalar loss: appends the backward graph and sets `.grad` on
   * every leaf with requiresGrad. Nothing runs until a value is read or a step is compiled.
   */
  backward(seed?: Tensor): void {
    backward(this, seed);
  }

  /** Overwrite a leaf's contents (new inputs for a replayed step). No allocation. */
  write(data: ArrayLike<number>): void {
    this.assertAlive('write');
    if (!this.buffer) {
      throw new WgnoError(
        'write',
        `tensor ${fmtShape(this.shape)} is computed by '${this.op}'; only leaves (rt.tensor) can be written`,
      );
    }
    if (this.dtype === 'i32') {
      const v = toI32('write', data, this.shape);
      this.rt.assertUsable('write');
      this.rt.device.queue.writeBuffer(this.buffer, 0, v.buffer, v.byteOffset, v.byteLength);
    } else {
      this.rt.writeBuffer(this.buffer, toF32('write', data, this));
    }
  }

  /** Release the GPU memory of a leaf (unless the caller owns it); any later use is an error. */
  destroy(): void {
    this.destroyed = true;
    if (this.ownsBuffer) this.buffer?.destroy();
    this.location = null;
  }

  /** Throws a WgnoError naming `what` when the tensor was destroyed. */
  assertAlive(what: string): void {
    if (this.destroyed) {
      throw new WgnoError(
        what,
        `tensor ${fmtShape(this.shape)} (${this.op ?? 'leaf'}) was destroyed`,
      );
    }
  }

  toString(): string {
    return `Tensor(${this.op ?? 'leaf'}, ${fmtShape(this.shape)}, ${this.dtype})`;
  }
}

/** Validate host data against a tensor spec and return it as a Float32Array. */
export function toF32(op: string, data: ArrayLike<number>, spec: TensorSpec): Float32Array {
  const want = numel(spec.shape) * (spec.dtype === 'complex64' ? 2 : 1);
  if (data.length !== want) {
    const per =
      spec.dtype === 'complex64' ? ' (complex64: 2 floats per element, interleaved re, im)' : '';
    throw new WgnoError(
      op,
      `data has ${data.length} values but shape ${fmtShape(spec.shape)} ${spec.dtype} needs ${want}${per}`,
    );
  }
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** Validate host indices against a shape and return them as an Int32Array (exact integers only). */
export function toI32(op: string, data: ArrayLike<number>, shape: Shape): Int32Array {
  const want = numel(shape);
  if (data.length !== want)
    throw new WgnoError(
      op,
      `data has ${data.length} values but shape ${fmtShape(shape)} i32 needs ${want}`,
    );
  if (data instanceof Int32Array) return data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff)
      throw new WgnoError(
        op,
        `value ${i} is ${v}; i32 indices must be integers in the int32 range`,
      );
  }
  return Int32Array.from(data);
}
