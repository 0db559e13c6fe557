/**
 * What one run of a planned step moves and computes (the sum of its dispatches' declared costs,
 * src/graph/op.ts `Cost`), against the least traffic any implementation of the same graph needs.
 * These are counts, not timings: they are the same on every device, so they transfer from the
 * CPU adapter the tests run on to the GPUs users run.
 */
import { topoSort } from './autodiff';
import type { PlannedDispatch, Storage, Update } from './planner';
import type { Tensor } from './tensor';

/**
 * Per run of a Step. `ideal` is the traffic of a perfectly fused step that keeps every
 * intermediate on chip, except what no schedule without recomputation can avoid:
 * - every leaf the step binds (weights, inputs, constants, index tensors) read once;
 * - every output written once;
 * - every leaf an update writes in place (a parameter, an optimizer state, an accumulator) written
 *   once more (it was read once above);
 * - every activation saved for backward, written once and read once. Saved means: computed by a
 *   node the step's outputs depend on (the forward pass) and read by a node they do not (the
 *   backward pass, which only the updates need). A forward-only step saves nothing; a step
 *   without outputs (only updates) cannot tell its passes apart and counts no saved activations.
 * `ratio` = bytes / ideal: 1 is the floor; re-reads by tiles, FFT passes through memory and
 * unfused elementwise chains each add to it.
 */
export interface StepCost {
  /** Kernel launches per run. */
  readonly dispatches: number;
  /** Bytes the kernels read (declared costs, see `Cost`). */
  readonly read: number;
  /** Bytes the kernels write. */
  readonly write: number;
  /** read + write. */
  readonly bytes: number;
  /** Floating-point operations of one run. */
  readonly flops: number;
  /** Bytes of the storage ranges bound to the dispatches, summed per dispatch (what a WebGPU-level counter sees). */
  readonly bound: number;
  /** Least bytes any schedule of this graph moves (see above). */
  readonly ideal: number;
  /** bytes / ideal. */
  readonly ratio: number;
}

/** Totals of the planned dispatches, with the ideal computed by idealBytes. */
export function stepCost(dispatches: readonly PlannedDispatch[], ideal: number): StepCost {
  let read = 0;
  let write = 0;
  let flops = 0;
  let bound = 0;
  for (const pd of dispatches) {
    read += pd.cost.read;
    write += pd.cost.write;
    flops += pd.cost.flops;
    // As executor.ts binds them: an empty range is bound as 4 bytes.
    for (const r of pd.ranges) bound += Math.max(4, r.bytes);
  }
  const bytes = read + write;
  return {
    dispatches: dispatches.length,
    read,
    write,
    bytes,
    flops,
    bound,
    ideal,
    ratio: bytes / ideal,
  };
}

export interface IdealArgs {
  readonly dispatches: readonly PlannedDispatch[];
  readonly outputs: ReadonlyMap<Tensor, Storage>;
  readonly updates: readonly Update[];
  /** The plan's computed nodes in order, and the tensor whose storage a view shares. */
  readonly order: readonly Tensor[];
  readonly root: (t: Tensor) => Tensor;
}

/** The `ideal` of StepCost. */
export function idealBytes({ dispatches, outputs, updates, order, root }: IdealArgs): number {
  const leaves = new Set<Tensor>();
  for (const pd of dispatches)
    for (const r of pd.ranges) if ('leaf' in r.storage) leaves.add(r.storage.leaf);
  let bytes = sumBytes(leaves);
  const written = new Set<Tensor>();
  for (const u of updates)
    u.bindings.forEach((t, i) => {
      if (u.kernel.storage[i] === 'read_write' && root(t).op === null) written.add(root(t));
    });
  bytes += sumBytes(written);
  const stored = new Set<Tensor>();
  for (const [t, s] of outputs) if ('slot' in s) stored.add(root(t));
  bytes += sumBytes(stored);
  // Saved activations: stored once (unless an output already is) and read back once.
  const forward = new Set(topoSort([...outputs.keys()]));
  const saved = new Set<Tensor>();
  for (const t of order) {
    if (forward.has(t)) continue;
    for (const x of t.inputs) {
      const r = root(x);
      if (r.op !== null && forward.has(r)) saved.add(r);
    }
  }
  for (const t of saved) bytes += stored.has(t) ? t.bytes : 2 * t.bytes;
  return bytes;
}

const sumBytes = (ts: Iterable<Tensor>): number => {
  let n = 0;
  for (const t of ts) n += t.bytes;
  return n;
};
