import { WgnoError } from '../errors';
import { DEFAULT_TARGET, type Target } from '../gpu/target';
import type { Dispatch } from '../ops/op';
import { opDef } from '../ops/registry';
import { topoSort } from './autodiff';
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
}

/** A dispatch that updates leaves in place after the graph ran (optimizer steps). */
export type Update = Dispatch<Tensor>;

export interface Plan {
  readonly dispatches: readonly PlannedDispatch[];
  readonly slotBytes: readonly number[];
  /** Storage of every computed tensor the plan keeps to the end (outputs). */
  readonly outputs: ReadonlyMap<Tensor, Storage>;
  /** Sum of slot sizes: the memory this plan really allocates for intermediates. */
  readonly peakBytes: number;
  /** What allocating every intermediate separately would take. */
  readonly naiveBytes: number;
}

const ALIGN = 256;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * Order the graph, find each intermediate's lifetime, and pack intermediates into a few reusable
 * slot buffers (best fit; a slot is reused only once its last reader has run, so no dispatch ever
 * reads and writes the same buffer). Views (reshape) share their source's storage.
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

  const lastUse = new Map<Tensor, number>();
  order.forEach((t, i) => t.inputs.forEach((x) => lastUse.set(root(x), i)));
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
    if (!def.view) {
      const s = take(t.bytes);
      slotOf.set(t, s);
      const li = lastUse.get(t) ?? i;
      dying.set(li, [...(dying.get(li) ?? []), s]);
      const lowered = (def.lower as (a: unknown) => ReturnType<typeof def.lower>)({
        inputs: t.inputs,
        out: t,
        attrs: t.attrs,
        target,
      });
      const scratch = (lowered.scratch ?? []).map((b) => ({ slot: take(b), bytes: b }));
      for (const d of lowered.dispatches) {
        const ranges = d.bindings.map((b): BoundRange => {
          if ('input' in b)
            return { storage: storageOf(t.inputs[b.input]), bytes: t.inputs[b.input].bytes };
          if ('output' in b) return { storage: { slot: s }, bytes: t.bytes };
          return { storage: { slot: scratch[b.scratch].slot }, bytes: scratch[b.scratch].bytes };
        });
        dispatches.push({ dispatch: d, ranges, label: `${t.op}#${t.id}` });
      }
      free.push(...scratch.map((x) => x.slot));
    }
    for (const s of dying.get(i) ?? []) free.push(s);
  });
  for (const u of updates) {
    const ranges = u.bindings.map((t) => ({ storage: storageOf(t), bytes: t.bytes }));
    dispatches.push({ dispatch: u, ranges, label: `update:${u.kernel.name}` });
  }
  const outs = new Map<Tensor, Storage>();
  for (const t of outputs) outs.set(t, storageOf(t));
  const peakBytes = slotBytes.reduce((a, b) => a + b, 0);
  return { dispatches, slotBytes, outputs: outs, peakBytes, naiveBytes };
}
