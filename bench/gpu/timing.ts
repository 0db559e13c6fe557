/**
 * Timing for the GPU script: a step's wall time per run as a user sees it (back-to-back runs and
 * one wait, calibrated so a sample is long enough for the clock), and a step's per-kernel times
 * from `Step.profile({ timestamps: true })` summed by kernel, with the bytes its lowering declares
 * and the GB/s that makes against the copy bandwidth.
 */
import type { Step } from '../../src/index';
import type { KernelTableT } from './report';

export interface Timed {
  medianMs: number;
  minMs: number;
  samples: number;
  reps: number;
  firstMs: number;
}

const median = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** Samples per row and the least time per sample; main.ts lowers them for --quick. */
export const timingOptions = { samples: 5, targetMs: 50, maxReps: 256 };

/**
 * `run` issues one run and resolves when the GPU has finished it. One warm-up run, then runs per
 * sample doubled until a sample takes `targetMs`, then `samples` samples.
 */
export async function timeRuns(run: () => Promise<void>): Promise<Timed> {
  const { samples, targetMs, maxReps } = timingOptions;
  let t0 = performance.now();
  await run();
  const firstMs = performance.now() - t0;
  const sample = async (reps: number) => {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) await run();
    return (performance.now() - t0) / reps;
  };
  let reps = 1;
  while (reps < maxReps && (await sample(reps)) * reps < targetMs) reps *= 2;
  const per: number[] = [];
  for (let s = 0; s < samples; s++) per.push(await sample(reps));
  return { medianMs: median(per), minMs: Math.min(...per), samples, reps, firstMs };
}

/** The kernel of a profile label `op#id/kernel` (fused ops: `matmul+gelu#id/matmul`). */
const kernelOf = (label: string) => label.slice(label.lastIndexOf('/') + 1);

/**
 * `runs` profiled runs of `step` (each has every effect of a run), the median time of each
 * dispatch over them, summed by kernel, largest time first.
 */
export async function kernelTable(
  step: Step,
  meta: { step: string; lowering: 'workgroup' | 'lane'; copyGBps: number; runs: number },
): Promise<KernelTableT> {
  const profiles: Awaited<ReturnType<Step['profile']>>[] = [];
  for (let r = 0; r < meta.runs; r++) profiles.push(await step.profile({ timestamps: true }));
  const rows = new Map<string, { dispatches: number; ms: number; bytes: number; flops: number }>();
  profiles[0].forEach((d, i) => {
    const ms = median(profiles.map((p) => p[i].ms));
    const k = kernelOf(d.label);
    const row = rows.get(k) ?? { dispatches: 0, ms: 0, bytes: 0, flops: 0 };
    row.dispatches++;
    row.ms += ms;
    row.bytes += d.read + d.write;
    row.flops += d.flops;
    rows.set(k, row);
  });
  const gbps = (bytes: number, ms: number) => (ms > 0 ? bytes / ms / 1e6 : 0);
  const table = [...rows]
    .map(([kernel, r]) => ({
      kernel,
      ...r,
      gbps: gbps(r.bytes, r.ms),
      ofCopy: gbps(r.bytes, r.ms) / meta.copyGBps,
    }))
    .sort((a, b) => b.ms - a.ms);
  const { bytes, ideal } = step.cost;
  return {
    step: meta.step,
    lowering: meta.lowering,
    timer: profiles[0][0]?.timer ?? 'wall',
    runs: meta.runs,
    dispatches: step.dispatchCount,
    totalMs: table.reduce((s, r) => s + r.ms, 0),
    bytes,
    idealBytes: ideal,
    movedOverIdeal: ideal > 0 ? bytes / ideal : 0,
    rows: table,
  };
}
