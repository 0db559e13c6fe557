import type { Gpu } from '../gpu/gpu';
import type { Step } from './executor';
import type { Update, UpdateSet } from './planner';
import type { DType, Shape } from './shape';
import type { Tensor } from './tensor';

export interface CompileOptions {
  /** Tensors whose values the step computes and keeps readable after each run. */
  outputs: readonly Tensor[];
  /**
   * In-place leaf updates recorded after the graph: dispatches, or update sets such as an
   * optimizer (`updates: [adam]`), whose `beforeRun` hook runs before every run.
   */
  updates?: readonly (Update | UpdateSet)[];
  /** Names the step's GPU objects (buffers, pipelines) in error messages and profiles. */
  label?: string;
}

/** Options of a leaf tensor made from host data. */
export interface TensorOptions {
  /** Autodiff computes a gradient for this leaf (`.grad` after backward()). Default false. */
  requiresGrad?: boolean;
  /** 'f32' (default) or 'complex64' (interleaved re, im pairs). */
  dtype?: DType;
  /** Names the GPU buffer in errors and debuggers. */
  label?: string;
}

/**
 * What a Tensor needs of the runtime that made it: the device (a Gpu), leaf creation, and running
 * a graph once. `Runtime` (src/runtime/runtime.ts) is the implementation; the graph layer only
 * sees this interface, so it never imports the layer above it.
 */
export interface Engine extends Gpu {
  /** A leaf tensor holding `data` (row-major; complex64 as interleaved re, im pairs). */
  tensor(data: ArrayLike<number>, shape: Shape, opts?: TensorOptions): Tensor;
  /** A zero-filled leaf. */
  zeros(shape: Shape, opts?: TensorOptions): Tensor;
  /** Plan and allocate a replayable step (forward, backward, updates: one submit per run). */
  compile(opts: CompileOptions): Promise<Step>;
  /** Compute `outputs` once, sharing one run between all of them (what `Tensor.read` uses). */
  evaluate(outputs: readonly Tensor[]): Promise<void>;
}
