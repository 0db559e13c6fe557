/**
 * Helpers for GPU benchmarks that time a compiled Step (see scripts/bench.mjs for the contract).
 *
 * A sample is `reps` replays of the step followed by one wait for the GPU
 * (`queue.onSubmittedWorkDone()`), so it measures what a user of the runtime sees: encoding the
 * planned dispatches in JS, one submit per replay, and the GPU work. `reps` is calibrated so a
 * sample takes at least TARGET_MS, because performance.now() in the page only ticks every 0.1 ms.
 * Vitest reports the median sample; scripts/bench.mjs divides it by `reps` and by the work per
 * run recorded here, in a sidecar JSON file, to print GFLOP/s or GB/s.
 */
import { bench } from 'vitest';
import { commands } from 'vitest/browser';
import type { Runtime, Step } from '../src/index';

/** Work one run of a step does: floating-point operations and/or bytes of global memory moved. */
export interface Work {
  flop?: number;
  bytes?: number;
}

/** What scripts/bench.mjs needs besides the timings: one entry per benchmark, keyed by name. */
export interface CaseMeta extends Work {
  name: string;
  /** Step replays per timed sample. */
  reps: number;
  dispatchesPerRun: number;
  submitsPerRun: number;
  /** Planner memory of intermediates: allocated slots vs one buffer per tensor. */
  peakBytes: number;
  naiveBytes: number;
  /** Creation counters must not move while replaying (the plan allocates everything once). */
  createdDuringReplay: number;
}

export interface StepCase {
  readonly meta: CaseMeta;
  readonly step: Step;
}

const TARGET_MS = 20;
const MAX_REPS = 4096;

function createdCount(rt: Runtime): number {
  const s = rt.stats;
  return s.buffersCreated + s.bindGroupsCreated + s.pipelinesCreated;
}

async function replay(rt: Runtime, step: Step, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) step.run();
  await rt.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/**
 * Warm a compiled step up (first run), then double the replay count until one sample takes
 * TARGET_MS; counts dispatches and submits per run from the runtime's counters on the way.
 */
export async function calibrate(
  rt: Runtime,
  name: string,
  step: Step,
  work: Work,
): Promise<StepCase> {
  await replay(rt, step, 1);
  const before = { ...rt.stats, created: createdCount(rt) };
  let reps = 1;
  let total = 0;
  for (;;) {
    const ms = await replay(rt, step, reps);
    total += reps;
    if (ms >= TARGET_MS || reps >= MAX_REPS) break;
    reps = Math.min(MAX_REPS, reps * 2);
  }
  const meta: CaseMeta = {
    name,
    ...work,
    reps,
    dispatchesPerRun: (rt.stats.dispatches - before.dispatches) / total,
    submitsPerRun: (rt.stats.submits - before.submits) / total,
    peakBytes: step.memory.peakBytes,
    naiveBytes: step.memory.naiveBytes,
    createdDuringReplay: createdCount(rt) - before.created,
  };
  return { meta, step };
}

/** Register a Vitest benchmark: `samples` timed samples of `reps` replays each, one warm-up. */
export function benchStep(rt: Runtime, c: StepCase, samples = 9): void {
  bench(c.meta.name, () => replay(rt, c.step, c.meta.reps).then(() => undefined), {
    time: 0,
    iterations: samples,
    warmupTime: 0,
    warmupIterations: 1,
  });
}

/** Adapter description for the report header. */
export function adapterLine(rt: Runtime): string {
  const a = rt.adapterInfo;
  const parts = [a.vendor, a.architecture, a.description].filter((s) => s);
  return parts.join(' / ') || 'unknown adapter';
}

/**
 * Write the sidecar that scripts/bench.mjs joins with Vitest's JSON (by benchmark name). The path
 * is relative to the repository root.
 */
export async function writeMeta(
  rt: Runtime,
  file: string,
  cases: readonly StepCase[],
): Promise<void> {
  const report = {
    adapter: adapterLine(rt),
    userAgent: navigator.userAgent,
    features: [...rt.device.features].sort(),
    cases: cases.map((c) => c.meta),
  };
  await commands.writeFile(`test-results/bench-meta/${file}.json`, JSON.stringify(report, null, 2));
}

/** An error as one line for a bench's "left out" notes. */
export const describeError = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : String(e);

/** The peers a bench could load: each one's factory and version, or why it is left out. */
export interface Peers<F> {
  factories: Record<string, F>;
  versions: Record<string, string>;
  unavailable: Record<string, string>;
}

/**
 * Load each peer library in turn (its module import and WebGPU init may fail on an adapter);
 * a failure is recorded under the peer's name in `unavailable` instead of stopping the bench.
 */
export async function loadPeers<F>(
  loaders: Record<string, () => Promise<{ version: string; factory: F }>>,
): Promise<Peers<F>> {
  const peers: Peers<F> = { factories: {}, versions: {}, unavailable: {} };
  for (const [name, load] of Object.entries(loaders)) {
    try {
      const { version, factory } = await load();
      peers.versions[name] = version;
      peers.factories[name] = factory;
    } catch (e) {
      peers.unavailable[name] = describeError(e);
    }
  }
  return peers;
}
