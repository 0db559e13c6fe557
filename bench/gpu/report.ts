/**
 * The one JSON file `npm run bench:gpu` writes (test-results/bench-gpu.json), as a zod schema:
 * the script validates what it writes, and test/bench/bench_gpu.test.ts validates a `--quick` run.
 * Times are milliseconds; bandwidths GB/s (10^9 bytes per second); bytes are what each dispatch's
 * lowering declares it reads and writes (`Cost`, src/graph/op.ts).
 */
import { z } from 'zod';

export const SCHEMA = 'wgno-bench-gpu/1';

/** How a time was taken: GPU timestamp queries, or wall clock around submit + wait. */
const Timer = z.enum(['timestamp', 'wall']);
const Lowering = z.enum(['workgroup', 'lane']);
const ms = z.number().nonnegative();

/** One kernel (WGSL entry of one kernel file) summed over a step's dispatches. */
export const KernelRow = z.object({
  kernel: z.string().min(1),
  dispatches: z.number().int().positive(),
  ms,
  bytes: z.number().nonnegative(),
  flops: z.number().nonnegative(),
  /** bytes / time. */
  gbps: z.number().nonnegative(),
  /** gbps over the adapter's measured copy bandwidth (bandwidth.kernelGBps). */
  ofCopy: z.number().nonnegative(),
});

/** Per-kernel times of one profiled run of a step (median of `runs` profiles, per dispatch). */
export const KernelTable = z.object({
  step: z.string().min(1),
  lowering: Lowering,
  timer: Timer,
  runs: z.number().int().positive(),
  dispatches: z.number().int().positive(),
  /** Sum of the dispatches' times (each in its own pass). */
  totalMs: ms,
  bytes: z.number().nonnegative(),
  /** The step's ideal bytes (step.cost.ideal) and bytes / ideal. */
  idealBytes: z.number().nonnegative(),
  movedOverIdeal: z.number().nonnegative(),
  rows: z.array(KernelRow).min(1),
});

/** One timed step: median wall time per run of `reps` back-to-back runs and one wait, `samples` times. */
export const StepRow = z.object({
  name: z.string().min(1),
  model: z.enum(['fno2d', 'gno']),
  kind: z.enum(['infer', 'train', 'fwd', 'fwd+bwd']),
  lib: z.enum(['wgno', 'jax-js']),
  /** wgno's kernel lowering; null for a peer. */
  lowering: Lowering.nullable(),
  medianMs: ms,
  minMs: ms,
  samples: z.number().int().positive(),
  reps: z.number().int().positive(),
  /** First (warm-up) run: pipeline compilation included. */
  firstMs: ms,
  /** Kernel launches per run (wgno: step.dispatchCount). */
  dispatches: z.number().int().positive().nullable(),
  /** Sizes: batch, resolution, width, modes (FNO); points, edges, hidden, channels (GNO). */
  shape: z.record(z.string(), z.union([z.number(), z.array(z.number())])),
});

export const Report = z.object({
  schema: z.literal(SCHEMA),
  quick: z.boolean(),
  /** False when the run stopped early (time limit or error); what was measured is kept. */
  complete: z.boolean(),
  startedAt: z.string(),
  wallSeconds: z.number().nonnegative(),
  environment: z.object({
    runner: z.string(),
    node: z.string(),
    platform: z.string(),
    gitCommit: z.string().nullable(),
  }),
  adapter: z.object({
    vendor: z.string(),
    architecture: z.string(),
    device: z.string(),
    description: z.string(),
    isCpu: z.boolean(),
    features: z.array(z.string()),
    limits: z.record(z.string(), z.number()),
  }),
  /** The copy every kernel's GB/s is compared with. */
  bandwidth: z.object({
    bytes: z.number().int().positive(),
    /** A vec4 copy kernel, timed like the kernels (read + written bytes / time). */
    kernelGBps: z.number().positive(),
    kernelTimer: Timer,
    /** copyBufferToBuffer, wall clock over several copies per submit (read + written). */
    copyBufferGBps: z.number().positive(),
  }),
  steps: z.array(StepRow),
  kernels: z.array(KernelTable),
  /** jax-js: whether it ran, and its output against wgno's with the same weights (relative L2). */
  peers: z.record(
    z.string(),
    z.object({
      available: z.boolean(),
      reason: z.string().nullable(),
      agreement: z.record(z.string(), z.number()),
    }),
  ),
  notes: z.array(z.string()),
  errors: z.array(z.object({ where: z.string(), message: z.string() })),
});

export type ReportT = z.infer<typeof Report>;
export type StepRowT = z.infer<typeof StepRow>;
export type KernelTableT = z.infer<typeof KernelTable>;
