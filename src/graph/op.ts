import type { KernelDef } from '../gpu/kernel';
import type { Target } from '../gpu/target';
import type { Tensor } from './tensor';
import type { TensorSpec } from './shape';

/** A storage binding of one dispatch: an input of the node, its output, or a scratch buffer. */
export type Slot = { input: number } | { output: true } | { scratch: number };

export type ParamValues = Record<string, number | readonly number[]>;

/** One kernel launch a node performs. Lowering runs once, at plan time. */
export interface Dispatch<B = Slot> {
  readonly kernel: KernelDef;
  /** Pipeline-overridable constants beyond WG (e.g. the unary function code). */
  readonly overrides?: Record<string, number>;
  /** Uniform values packed with kernel.params, once. */
  readonly params?: ParamValues;
  /** Uniform values re-packed before every run (step counters, learning rates). */
  readonly dynamic?: () => ParamValues;
  readonly bindings: readonly B[];
  readonly grid: readonly [number, number, number];
  /**
   * What the kernel moves and computes, declared by the lowering where the bound ranges are not
   * the truth (tiles that re-read an operand, FFT passes, kept modes, index reads). Absent, the
   * planner uses `defaultCost`.
   */
  readonly cost?: Cost;
}

/**
 * Bytes one dispatch's kernel reads from and writes to storage buffers (every access counted, a
 * re-read too: what the memory system is asked for before any cache), and its floating-point
 * operations (a multiply-add is 2, a complex one 8, a transcendental 1; comparisons and index
 * arithmetic are free).
 */
export interface Cost {
  /** Bytes the kernel loads, every access counted (re-reads included, before any cache). */
  readonly read: number;
  /** Bytes the kernel stores. */
  readonly write: number;
  /** Floating-point operations (a multiply-add counts 2). */
  readonly flops: number;
}

/**
 * The cost of a dispatch that declares none, from its bound ranges: each 'read' binding read once,
 * each 'read_write' binding written once (read too when `inPlace`: an optimizer's update), no
 * FLOPs. It over-counts a kernel that touches part of a range (pruned bins, a window, a 4-byte
 * stand-in), under-counts one that reads a range more than once (tiles, broadcasts) or reads
 * its output, and knows no FLOPs.
 */
export function defaultCost(
  access: KernelDef['storage'],
  bytes: readonly number[],
  inPlace = false,
): Cost {
  let read = 0;
  let write = 0;
  access.forEach((a, i) => {
    if (a === 'read' || inPlace) read += bytes[i];
    if (a === 'read_write') write += bytes[i];
  });
  return { read, write, flops: 0 };
}

export interface Lowered {
  dispatches: Dispatch[];
  scratch?: number[];
}

export interface LowerArgs<A> {
  readonly inputs: readonly TensorSpec[];
  readonly out: TensorSpec;
  readonly attrs: A;
  /** The runtime's lowering choices (e.g. the FFT strategy). */
  readonly target: Target;
}

export interface VjpArgs<A> {
  /** Gradient of the loss with respect to the output. */
  readonly g: Tensor;
  readonly inputs: readonly Tensor[];
  readonly out: Tensor;
  readonly attrs: A;
  /** needs[i]: whether inputs[i] requires a gradient (skip building it otherwise). */
  readonly needs: readonly boolean[];
}

/**
 * Everything about one primitive op. The VJP is written with other registered ops, so every
 * backward kernel is itself a tested forward op; the reference is float64 and used by tests.
 */
export interface OpDef<A> {
  readonly name: string;
  /** Validates inputs and attributes; throws a WgnoError naming the op, argument and shapes. */
  infer(inputs: readonly TensorSpec[], attrs: A): TensorSpec;
  /** Kernel launches; empty for views. Scratch buffer sizes in bytes, when needed. */
  lower(args: LowerArgs<A>): Lowered;
  /**
   * This op is a one-input elementwise function that a producer may apply to its output as it
   * writes it (planner fusion: see `lowerWithEpilogue`).
   */
  readonly epilogue?: boolean;
  /**
   * The same launches with the elementwise op `epilogue` (an op with `epilogue: true`) applied to
   * the output as it is written, or null where this node cannot. The planner uses it when that op
   * is the only reader of this node's output, and then skips the separate op.
   */
  lowerWithEpilogue?(args: LowerArgs<A>, epilogue: string): Lowered | null;
  vjp(args: VjpArgs<A>): (Tensor | null)[];
  reference(
    inputs: readonly Float64Array[],
    specs: readonly TensorSpec[],
    attrs: A,
    out: TensorSpec,
  ): Float64Array;
  /** The output shares the storage of input 0 (a reshape): no kernel, no copy. */
  readonly view?: boolean;
  /**
   * Positions of the inputs that must be i32 index tensors. apply() enforces it both ways: these
   * must be i32, every other input must not be (so no float op ever reads indices as floats).
   */
  readonly indexInputs?: readonly number[];
}
