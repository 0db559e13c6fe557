/**
 * The GPU script's body (`npm run bench:gpu`; scripts/bench-gpu.mjs builds this file for Node and
 * runs it): on the adapter Node's `webgpu` package finds, it measures
 *   1. the copy bandwidth (bandwidth.ts),
 *   2. for each kernel lowering ('workgroup' first: what GPUs run): FNO-2D inference and training
 *      step at 64x64 batch 4 and 32x32 batch 2, and the GNO layer forward and forward + backward,
 *      timed per run and per kernel (GPU timestamps),
 *   3. the same rows in jax-js, with wgno's weights, when it runs here,
 * and writes one JSON file (report.ts) after every row, so a run stopped by its time limit keeps
 * what it measured (`complete: false`). Rows that would start after the budget are skipped and named.
 *
 *   node <built main.mjs> [--quick] [--out test-results/bench-gpu.json] [--budget-s 420]
 *        [--lowerings workgroup,lane] [--models fno,gno] [--fno 64x4,32x2] [--no-peers]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { init, type Runtime } from '../../src/index';
import { isCpuAdapter } from '../../src/gpu/target';
import type { GnoCase } from '../peers/gno_spec';
import { measureBandwidth } from './bandwidth';
import { timingOptions } from './timing';
import { jaxFnoRows, jaxGnoRows, prepareNodeForJax } from './jax_rows';
import { Report, SCHEMA, type ReportT } from './report';
import {
  fnoRows,
  gnoRows,
  type FnoShared,
  type FnoSize,
  type GnoShared,
  type Sink,
} from './wgno_rows';

const { values: arg } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'test-results/bench-gpu.json' },
    'budget-s': { type: 'string', default: '420' },
    lowerings: { type: 'string', default: 'workgroup,lane' },
    models: { type: 'string', default: 'fno,gno' },
    /** FNO sizes as SIZExBATCH, replacing the defaults (A/B runs of one size). */
    fno: { type: 'string' },
    'no-peers': { type: 'boolean', default: false },
  },
});
const quick = arg.quick!;
const t0 = performance.now();
const deadline = t0 + Number(arg['budget-s']) * 1000;
/** --quick: sizes a CPU adapter runs in seconds (a check that the script works, not numbers). */
const SIZES = quick
  ? { fno: [{ batch: 1, size: 16 }], gno: [{ n: 300, hidden: 8, channels: 4 }], copy: 4 << 20 }
  : {
      fno: [
        { batch: 4, size: 64 },
        { batch: 2, size: 32 },
      ] as FnoSize[],
      gno: [
        { n: 10_000, hidden: 64, channels: 32 },
        { n: 100_000, hidden: 64, channels: 32 },
      ] as GnoCase[],
      copy: 256 << 20,
    };
if (arg.fno)
  SIZES.fno = arg.fno.split(',').map((s) => {
    const [size, batch] = s.split('x').map(Number);
    if (!(size > 0 && batch > 0)) throw new Error(`--fno ${arg.fno}: expected SIZExBATCH,...`);
    return { size, batch };
  });

const report: ReportT = {
  schema: SCHEMA,
  quick,
  complete: false,
  startedAt: new Date().toISOString(),
  wallSeconds: 0,
  environment: {
    runner: 'node + webgpu (Dawn)',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    gitCommit: process.env.WGNO_GIT_COMMIT ?? null,
  },
  adapter: {
    vendor: '',
    architecture: '',
    device: '',
    description: '',
    isCpu: false,
    features: [],
    limits: {},
  },
  bandwidth: { bytes: 1, kernelGBps: 1, kernelTimer: 'wall', copyBufferGBps: 1 },
  steps: [],
  kernels: [],
  peers: {},
  notes: [],
  errors: [],
};

function save(): void {
  report.wallSeconds = (performance.now() - t0) / 1000;
  mkdirSync(dirname(arg.out!), { recursive: true });
  writeFileSync(arg.out!, JSON.stringify(report, null, 2));
}

/** Whether the budget is spent; if so, `what` is named as skipped. */
function expired(what: string): boolean {
  if (performance.now() <= deadline) return false;
  report.notes.push(`skipped (time budget spent): ${what}`);
  return true;
}

/** Runs `fn` unless the budget is spent; an error is recorded and the run goes on. */
async function section<T>(where: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (expired(where)) return undefined;
  const t = performance.now();
  try {
    return await fn();
  } catch (e) {
    report.errors.push({ where, message: e instanceof Error ? e.message : String(e) });
    return undefined;
  } finally {
    console.log(`[bench:gpu] ${where}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    save();
  }
}

function describeAdapter(rt: Runtime): void {
  const info = rt.adapterInfo;
  const limits: Record<string, number> = {};
  for (const k of [
    'maxBufferSize',
    'maxStorageBufferBindingSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBuffersPerShaderStage',
  ] as const)
    limits[k] = rt.device.limits[k];
  report.adapter = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isCpu: isCpuAdapter(info),
    features: [...rt.device.features].sort(),
    limits,
  };
  if (!rt.hasFeature('timestamp-query'))
    report.notes.push(
      "no 'timestamp-query' on this adapter: kernel times are wall clock per submit",
    );
}

const lowerings = arg.lowerings!.split(',') as ('workgroup' | 'lane')[];
const models = new Set(arg.models!.split(','));
if (quick) Object.assign(timingOptions, { samples: 2, targetMs: 0 });
const fnoShared: FnoShared[] = [];
const gnoShared: GnoShared[] = [];
for (const lowering of lowerings) {
  const first = lowering === lowerings[0];
  const rt = await init({ kernels: lowering, powerPreference: 'high-performance' });
  try {
    if (first) {
      describeAdapter(rt);
      // A CPU adapter copies at ~0.3 GB/s (SwiftShader): 256 MiB would take minutes.
      const bytes = report.adapter.isCpu ? Math.min(SIZES.copy, 16 << 20) : SIZES.copy;
      const bw = await section('copy bandwidth', () => measureBandwidth(rt, bytes));
      if (bw) report.bandwidth = bw;
    }
    const sink: Sink = {
      lowering,
      copyGBps: report.bandwidth.kernelGBps,
      profileRuns: quick ? 1 : 3,
      steps: report.steps,
      kernels: report.kernels,
      save,
      expired,
    };
    for (const s of models.has('fno') ? SIZES.fno : []) {
      const where = `wgno ${lowering} fno2d b${s.batch} ${s.size}`;
      const shared = await section(where, () => fnoRows(rt, sink, s));
      if (shared && first) fnoShared.push(shared);
    }
    for (const c of models.has('gno') ? SIZES.gno : []) {
      const shared = await section(`wgno ${lowering} gno n${c.n}`, () => gnoRows(rt, sink, c));
      if (shared && first) gnoShared.push(shared);
    }
  } finally {
    rt.destroy();
  }
}

const jax = {
  available: false,
  reason: null as string | null,
  agreement: {} as Record<string, number>,
};
report.peers['jax-js'] = jax;
if (arg['no-peers']) jax.reason = 'not run (--no-peers)';
else
  await section('jax-js init', async () => {
    await prepareNodeForJax();
    const { initJaxWebGpu } = await import('../peers/jaxjs');
    await initJaxWebGpu();
    jax.available = true;
  });
if (!jax.available) jax.reason ??= report.errors.at(-1)?.message ?? 'not run (time budget spent)';
else {
  for (const s of fnoShared)
    Object.assign(
      jax.agreement,
      await section(`jax-js fno2d b${s.batch} ${s.size}`, () => jaxFnoRows(s, report.steps)),
    );
  for (const s of gnoShared)
    Object.assign(
      jax.agreement,
      await section(`jax-js gno n${s.problem.n}`, () => jaxGnoRows(s, report.steps)),
    );
}

report.complete = report.errors.length === 0 && !report.notes.some((n) => n.startsWith('skipped'));
save();
const check = Report.safeParse(report);
if (!check.success) {
  console.error(`[bench:gpu] the report does not match its schema: ${check.error.message}`);
  process.exit(2);
}
console.log(
  `[bench:gpu] wrote ${arg.out} (${report.steps.length} step rows, ${report.errors.length} errors) in ${report.wallSeconds.toFixed(0)} s`,
);
process.exit(report.errors.length ? 1 : 0);
