import { WgnoError } from '../errors';
import { DEFAULT_TARGET, type Target } from '../gpu/target';
import { defaultCost, type Cost, type Dispatch, type Lowered } from './op';
import { opDef } from './registry';
import { topoSort } from './autodiff';
import { idealBytes, stepCost, type StepCost } from './step_cost';
import type { Tensor } from './tensor';

/** Where a binding's bytes live: a leaf's own buffer or one of the plan's reusable slots. */
export type Storage = { leaf: Tensor } | { slot: number };
export interface BoundRange {
  readonly storage: Storage;
  readonly bytes: number;
}
export interface PlannedDispatch {
  readonly dispatch: Dispatch<unknown>;
  readonly ranges: readonly BoundRange[];
  readonly label: string;
  /** What its kernel reads, writes and computes: declared by the lowering, or `defaultCost`. */
  readonly cost: Cost;
}

/** A dispatch that updates leaves in place after the graph ran (optimizer steps). */
export type Update = Dispatch<Tensor>;

/**
 * A group of in-place updates that ends a step, with an optional hook run before every run (an
 * optimizer: its parameter updates, and its step count advanced per run).
 */
export interface UpdateSet {
  updates(): readonly Update[];
  beforeRun?(): void;
}

/** What the planner made of a graph: the dispatches in order and the buffers they share. */
export interface Plan {
  /** Every kernel dispatch of the step, in execution order. */
  readonly dispatches: readonly PlannedDispatch[];
  /** Size of each slot buffer that intermediates are packed into. */
  readonly slotBytes: readonly number[];
  /** Storage of every computed tensor the plan keeps to the end (outputs). */
  readonly outputs: ReadonlyMap<Tensor, Storage>;
  /** Sum of slot sizes: the memory this plan really allocates for intermediates. */
  readonly peakBytes: number;
  /** What allocating every intermediate separately would take. */
  readonly naiveBytes: number;
  /** Bytes, FLOPs and dispatches of one run, against the ideal traffic (see StepCost). */
  readonly cost: StepCost;
}

const ALIGN = 256;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Order the graph, find each intermediate's lifetime, and pack intermediates into a few reusable
 * slot buffers (best fit; a slot is reused only once its last reader has run, so no dispatch ever
 * reads and writes the same buffer). Views (reshape) share their source's storage.
 *
 * Fusion: an elementwise op declared `epilogue` (GELU) whose input is read by nothing else in the plan is
 * folded into the op that produces that input when the producer can apply it as it writes
 * (`lowerWithEpilogue`, e.g. matmul; also through reshapes of that input read by nothing else):
 * one dispatch, and the intermediate is never stored. In a
 * graph with a backward pass the GELU's input is also read by its derivative, so nothing fuses
 * there; forward-only steps (inference, rollouts) get the fused kernels.
 */
export function plan(
  outputs: readonly Tensor[],
  updates: readonly Update[] = [],
  target: Target = DEFAULT_TARGET,
): Plan {
  const roots = [...outputs, ...updates.flatMap((u) => u.bindings)];
  const order = topoSort(roots).filter((t) => t.op !== null);
  const END = order.length;
  const rootOf = new Map<Tensor, Tensor>();
  const root = (t: Tensor): Tensor => rootOf.get(t) ?? t;
  for (const t of order) if (opDef(t.op!).view) rootOf.set(t, root(t.inputs[0]));

  const fused = fusions(order, roots, target);
  const skipped = new Set([...fused.values()].map((f) => f.producer));
  const lastUse = new Map<Tensor, number>();
  order.forEach((t, i) => {
    // A fused pair reads its producer's inputs when the epilogue op runs.
    const reads = fused.get(t)?.producer.inputs ?? (skipped.has(t) ? [] : t.inputs);
    reads.forEach((x) => lastUse.set(root(x), i));
  });
  for (const t of roots) lastUse.set(root(t), END);

  const slotBytes: number[] = [];
  const free: number[] = [];
  const slotOf = new Map<Tensor, number>();
  const dying = new Map<number, number[]>();
  let naiveBytes = 0;
  const take = (bytes: number): number => {
    const need = align(bytes);
    naiveBytes += need;
    // Best fit: the smallest free slot that holds `need`, else grow the largest free one.
    const fitting = free.filter((s) => slotBytes[s] >= need);
    const pool = fitting.length ? fitting : free;
    let best = -1;
    for (const s of pool) {
      if (
        best < 0 ||
        (fitting.length ? slotBytes[s] < slotBytes[best] : slotBytes[s] > slotBytes[best])
      )
        best = s;
    }
    if (best < 0) {
      slotBytes.push(need);
      return slotBytes.length - 1;
    }
    free.splice(free.indexOf(best), 1);
    slotBytes[best] = Math.max(slotBytes[best], need);
    return best;
  };
  const storageOf = (t: Tensor): Storage => {
    const r = root(t);
    if (r.op === null) return { leaf: r };
    const s = slotOf.get(r);
    if (s === undefined) throw new WgnoError('planner', `internal: ${r} has no storage yet`);
    return { slot: s };
  };

  const dispatches: PlannedDispatch[] = [];
  order.forEach((t, i) => {
    const def = opDef(t.op!);
    if (!def.view && !skipped.has(t)) {
      const s = take(t.bytes);
      slotOf.set(t, s);
      const li = lastUse.get(t) ?? i;
      dying.set(li, [...(dying.get(li) ?? []), s]);
      const fusion = fused.get(t);
      const inputs = fusion ? fusion.producer.inputs : t.inputs;
      const lowered =
        fusion?.lowered ??
        (def.lower as (a: unknown) => Lowered)({ inputs, out: t, attrs: t.attrs, target });
      const label = fusion ? `${fusion.producer.op}+${t.op}#${t.id}` : `${t.op}#${t.id}`;
      const scratch = (lowered.scratch ?? []).map((b) => ({ slot: take(b), bytes: b }));
      for (const d of lowered.dispatches) {
        const ranges = d.bindings.map((b): BoundRange => {
          if ('input' in b)
            return { storage: storageOf(inputs[b.input]), bytes: inputs[b.input].bytes };
          if ('output' in b) return { storage: { slot: s }, bytes: t.bytes };
          return { storage: { slot: scratch[b.scratch].slot }, bytes: scratch[b.scratch].bytes };
        });
        const cost =
          d.cost ??
          defaultCost(
            d.kernel.storage,
            ranges.map((r) => r.bytes),
          );
        dispatches.push({ dispatch: d, ranges, label, cost });
      }
      free.push(...scratch.map((x) => x.slot));
    }
    for (const s of dying.get(i) ?? []) free.push(s);
  });
  for (const u of updates) {
    const ranges = u.bindings.map((t) => ({ storage: storageOf(t), bytes: t.bytes }));
    const cost =
      u.cost ??
      defaultCost(
        u.kernel.storage,
        ranges.map((r) => r.bytes),
        true,
      );
    dispatches.push({ dispatch: u, ranges, label: `update:${u.kernel.name}`, cost });
  }
  const outs = new Map<Tensor, Storage>();
  for (const t of outputs) outs.set(t, storageOf(t));
  const peakBytes = slotBytes.reduce((a, b) => a + b, 0);
  const cost = stepCost(
    dispatches,
    idealBytes({ dispatches, outputs: outs, updates, order, root }),
  );
  return { dispatches, slotBytes, outputs: outs, peakBytes, naiveBytes, cost };
}

interface Fusion {
  /** The node whose kernel applies the epilogue; it gets no storage and no dispatch of its own. */
  producer: Tensor;
  lowered: Lowered;
}

/** Epilogue nodes (keyed) fused into their producers: see plan(). */
function fusions(order: readonly Tensor[], roots: readonly Tensor[], target: Target) {
  const readers = new Map<Tensor, number>();
  for (const t of order) for (const x of t.inputs) readers.set(x, (readers.get(x) ?? 0) + 1);
  const kept = new Set(roots);
  const out = new Map<Tensor, Fusion>();
  const alone = (x: Tensor) => x.op !== null && readers.get(x) === 1 && !kept.has(x);
  for (const t of order) {
    if (!opDef(t.op!).epilogue) continue;
    // Through reshapes read only here (a channel MLP's matmul is reshaped before its GELU): the
    // producer's store holds the same elements in the same order, so it may apply the epilogue.
    let p = t.inputs[0];
    while (alone(p) && opDef(p.op!).view) p = p.inputs[0];
    const fuse = p.op === null ? undefined : opDef(p.op).lowerWithEpilogue;
    if (!fuse || !alone(p) || p.dtype !== t.dtype) continue;
    // The producer is lowered for its own shape; its output binding gets t's storage (same bytes).
    const args = { inputs: p.inputs, out: p === t.inputs[0] ? t : p, attrs: p.attrs, target };
    const lowered = (fuse as (a: unknown, e: string) => Lowered | null)(args, t.op!);
    if (lowered) out.set(t, { producer: p, lowered });
  }
  return out;
}
