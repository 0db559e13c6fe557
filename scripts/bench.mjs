// `npm run bench`: a thin launcher for the benchmarks, ending with one summary table.
//
// Contract
// - Benchmarks are files `bench/**/*.bench.ts` using Vitest's `bench()` API
//   (`import { bench, describe } from 'vitest'`). They run in the `browser` project of
//   vite.config.ts: headless Chromium with WebGPU (SwiftShader here, a real GPU where there is
//   one), so `navigator.gpu` is available and WGSL imports with `?raw` work.
// - This script finds Chromium (scripts/find-chromium.mjs), sets CHROMIUM_PATH and runs
//   `vitest bench --run --project browser`, writing results as JSON to test-results/bench.json.
//   Extra arguments go to Vitest, e.g. `npm run bench -- bench/matmul.bench.ts`.
// - In the browser, performance.now() is coarsened to 0.1 ms (the page is not cross-origin
//   isolated), so each bench iteration should do enough work (and await the GPU, e.g.
//   `await device.queue.onSubmittedWorkDone()`) to take well over a millisecond.
// - Throughput: a bench file may also write a sidecar JSON, test-results/bench-meta/<name>.json
//   (bench/harness.ts does this through Vitest's browser `commands.writeFile`), holding
//   { adapter, cases: [{ name, reps, flop?, bytes?, dispatchesPerRun, submitsPerRun, peakBytes,
//   naiveBytes }] }. After Vitest finishes, this script joins it with bench.json by benchmark name
//   and prints one Markdown table (paste-able into docs/benchmarks.md): the median time per run
//   (Vitest's median sample / reps), GFLOP/s or GB/s from it, and the step's dispatch and submit
//   counts. It is also written to test-results/bench-summary.md.
// - Traffic (issue 18): a sidecar may hold `traffic: [{ group, lib, dispatches, boundBytes,
//   declared? }]` (bench/traffic.ts: one run counted at the WebGPU level; wgno's rows carry the
//   step's declared cost). A second table puts the libraries side by side.
// - With no bench files it prints a message and exits 0. Exit code is Vitest's.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { findChromium } from './find-chromium.mjs';
import { repoRoot, runBin } from './run-util.mjs';

function findBenchFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findBenchFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.bench.ts')) out.push(p);
  }
  return out;
}

const benchDir = join(repoRoot, 'bench');
if (findBenchFiles(benchDir).length === 0) {
  console.log('bench: no benchmarks yet (add bench/**/*.bench.ts using `bench()` from vitest).');
  process.exit(0);
}

let chromium;
try {
  chromium = findChromium();
} catch (err) {
  console.error(`[bench] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
console.log(`[bench] chromium: ${chromium}`);

const resultsDir = join(repoRoot, 'test-results');
const metaDir = join(resultsDir, 'bench-meta');
// Vitest writes a per-run file first, so two bench runs at once do not read each other's results;
// it is copied to bench.json at the end. Sidecars are no longer deleted at the start (that removed
// a concurrent run's); only those written since this run started are read, so stale ones from
// earlier runs never mix in (a concurrent run of another bench file may still add its rows).
const runJson = join(resultsDir, `bench-run-${process.pid}.json`);
const benchJson = join(resultsDir, 'bench.json');
mkdirSync(resultsDir, { recursive: true });
const started = Date.now();
const run = await runBin(
  'vitest',
  ['bench', '--run', '--project', 'browser', `--outputJson=${runJson}`, ...process.argv.slice(2)],
  { ...process.env, CHROMIUM_PATH: chromium },
);
if (run.error) console.error(`[bench] could not start vitest: ${run.error.message}`);
const summary = summarize();
if (summary) {
  console.log(`\n${summary}`);
  writeFileSync(join(resultsDir, 'bench-summary.md'), `${summary}\n`);
}
if (existsSync(runJson)) {
  copyFileSync(runJson, benchJson);
  rmSync(runJson, { force: true });
}
console.log(`[bench] done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(run.code ?? 1);

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** The sidecar files written by this run (older ones belong to earlier or concurrent runs). */
function freshSidecars() {
  if (!existsSync(metaDir)) return [];
  return readdirSync(metaDir).filter(
    (f) => f.endsWith('.json') && statSync(join(metaDir, f)).mtimeMs >= started - 1000,
  );
}

/** Sidecar metadata of every bench file: adapter lines and cases by name. */
function readMeta() {
  const adapters = new Set();
  const cases = new Map();
  const files = freshSidecars();
  for (const f of files) {
    const m = readJson(join(metaDir, f));
    if (!m) continue;
    if (m.adapter) adapters.add(m.adapter);
    for (const c of m.cases ?? []) cases.set(c.name, c);
  }
  return { adapters: [...adapters], cases, peers: readPeers(files) };
}

/**
 * Peer comparisons (bench/fno.bench.ts): a sidecar may also hold `compare: [{ group, lib, name }]`
 * (rows of one group are the same work done by different libraries), `agreement` (numbers or
 * failure strings) and `unavailable` ({ lib: reason }).
 */
function readPeers(files) {
  const compare = [];
  const notes = [];
  for (const f of files) {
    const m = readJson(join(metaDir, f));
    if (!m?.compare) continue;
    compare.push(...m.compare);
    for (const [k, v] of Object.entries(m.agreement ?? {}))
      notes.push(`agreement ${k}: ${typeof v === 'number' ? v.toExponential(2) : v}`);
    for (const [k, v] of Object.entries(m.unavailable ?? {})) notes.push(`${k} left out: ${v}`);
  }
  return { compare, notes };
}

/**
 * Dispatches and bound bytes per run of each library's step (the WebGPU counter), with wgno's
 * declared bytes, ideal and ratio; a wgno row whose counted figures differ from its declared
 * dispatches or bound bytes is flagged (the counter cross-checks the planner).
 */
function trafficTable() {
  const files = freshSidecars();
  const rows = files.flatMap((f) => readJson(join(metaDir, f))?.traffic ?? []);
  if (rows.length === 0) return [];
  const head = [
    'traffic per run',
    'library',
    'dispatches',
    'bound bytes',
    'declared bytes moved',
    'ideal',
    'moved / ideal',
  ];
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const cells = (t) => {
    const d = t.declared;
    const agrees = !d || (d.dispatches === t.dispatches && d.bound === t.boundBytes);
    return [
      t.group,
      t.lib + (agrees ? '' : ` (declared ${d.dispatches} dispatches, ${fmtBytes(d.bound)} bound)`),
      String(t.dispatches),
      fmtBytes(t.boundBytes),
      d ? fmtBytes(d.bytes) : '-',
      d ? fmtBytes(d.ideal) : '-',
      d ? fmt(d.ratio) : '-',
    ];
  };
  return ['', line(head), line(head.map(() => '---')), ...rows.map((t) => line(cells(t)))];
}

/** One row per compared group: median ms/run of each library and the ratios wgno / peer. */
function peerTable(peers, medians) {
  if (peers.compare.length === 0) return [];
  const libs = [...new Set(peers.compare.map((c) => c.lib))];
  const others = libs.filter((l) => l !== 'wgno');
  const groups = [...new Set(peers.compare.map((c) => c.group))];
  const head = [
    'peer comparison',
    ...libs.map((l) => `${l} ms`),
    ...others.map((l) => `wgno / ${l}`),
  ];
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const rows = groups.map((g) => {
    const ms = Object.fromEntries(
      libs.map((l) => {
        const c = peers.compare.find((q) => q.group === g && q.lib === l);
        return [l, c ? medians.get(c.name) : undefined];
      }),
    );
    return [g, ...libs.map((l) => fmt(ms[l])), ...others.map((l) => fmt(ms.wgno / ms[l]))];
  });
  return [
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
    ...peers.notes.map((n) => `- ${n}`),
  ];
}

function fmt(x, digits = 3) {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : '-';
}

function fmtBytes(bytes) {
  if (bytes >= 2 ** 20) return `${fmt(bytes / 2 ** 20)} MiB`;
  return bytes >= 1024 ? `${fmt(bytes / 1024)} KiB` : `${bytes} B`;
}

/** One row per benchmark in Vitest's report; throughput columns where the sidecar says the work. */
function row(b, meta) {
  const reps = meta?.reps ?? 1;
  const perRun = b.median / reps;
  let rate = '-';
  if (meta?.flop) rate = `${fmt(meta.flop / perRun / 1e6)} GFLOP/s`;
  else if (meta?.bytes) rate = `${fmt(meta.bytes / perRun / 1e6)} GB/s`;
  const mem = meta?.naiveBytes ? `${fmtBytes(meta.peakBytes)} / ${fmtBytes(meta.naiveBytes)}` : '-';
  return [
    b.name,
    fmt(perRun),
    `${fmt(b.min / reps)} - ${fmt(b.max / reps)}`,
    `${b.sampleCount} x ${reps}`,
    rate,
    meta ? fmt(meta.dispatchesPerRun) : '-',
    meta ? fmt(meta.submitsPerRun) : '-',
    mem,
  ];
}

function summarize() {
  const report = readJson(runJson);
  const benches = (report?.files ?? []).flatMap((f) => f.groups.flatMap((g) => g.benchmarks));
  if (benches.length === 0) return null;
  const { adapters, cases, peers } = readMeta();
  const medians = new Map(benches.map((b) => [b.name, b.median / (cases.get(b.name)?.reps ?? 1)]));
  const head = [
    'benchmark',
    'ms/run (median)',
    'ms/run (min - max)',
    'samples x runs',
    'throughput',
    'dispatches/run',
    'submits/run',
    'intermediates peak / naive',
  ];
  const rows = benches.map((b) => row(b, cases.get(b.name)));
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [
    `adapter: ${adapters.join('; ') || 'unknown (no bench-meta sidecar)'}`,
    `date: ${new Date().toISOString().slice(0, 10)}, command: npm run bench`,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    ...peerTable(peers, medians),
    ...trafficTable(),
  ].join('\n');
}
