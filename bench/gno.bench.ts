/**
 * Message passing (issue 4): wgno's GNO layer against jax-js and TF.js, side by side in one
 * headless Chromium page (`npm run bench -- bench/gno.bench.ts`). The layer is neuraloperator's
 * IntegralTransform, transformType 'linear', reduction 'sum', kernel MLP [2*2 -> h -> h -> c] with
 * exact GELU, on a seeded uniform 2-D point cloud (queries = data points) with radius
 * neighbourhoods of ~20 points (CSR by a CPU cell-grid search, bench/peers/gno_spec.ts), with the
 * SAME weights (wgno's, read back and fed to the peers), in
 *   - wgno: IntegralTransform (gather_rows + segment_sum over the CSR, no atomics), compiled Steps;
 *   - jax-js (bench/peers/gno_jaxjs.ts): np.take + scatter-add (the transpose of its gather), jit;
 *   - TF.js (bench/peers/gno_tfjs.ts): tf.gather + tf.unsortedSegmentSum, tf.variableGrads.
 * Rows per size: forward, and forward + backward (gradients of sum(out * g) w.r.t. the kernel MLP
 * and f_y). Before timing it checks that outputs and gradients agree (relative L2 vs wgno).
 *
 * Traffic: one warmed-up run of each row is counted at the WebGPU level (dispatches and the
 * storage bytes bound to them, bench/traffic.ts), wgno's beside its declared step.cost; the
 * counter is removed before any row is timed.
 *
 * Every timed run, for every library, is "issue the work, then wait until the GPU has finished it"
 * (wgno: step.run() + queue.onSubmittedWorkDone(); jax-js: blockUntilReady(); TF.js:
 * submitQueue() + onSubmittedWorkDone()); nothing is read back, except TF.js's forward rows,
 * which wait for the output's data: its queue wait returned before its forward work was done in
 * every run (docs/benchmarks.md). As a check that the waits cover the work, each peer row also
 * times one run that reads its result back (the output, or the f_y gradient), printed beside the
 * median. Results: scripts/bench.mjs's peer table (ms) and, from this page,
 * test-results/bench-meta/gno-peers.json and console lines with edges per second.
 */
import { bench, describe } from 'vitest';
import { commands } from 'vitest/browser';
import { init } from '../src/index';
import type { Step } from '../src/index';
import { isCpuAdapter } from '../src/gpu/target';
import { adapterLine, describeError as why, loadPeers } from './harness';
import { TrafficCounter } from './traffic';
import { median, relL2 } from './peers/spec';
import { gradAgreement, profileStep, wgnoGno, type Profile, type WgnoGno } from './peers/gno_wgno';
import {
  degreeStats,
  forwardFlop,
  gnoProblem,
  type GnoCase,
  type GnoGrads,
  type GnoProblem,
  type GnoWeight,
  type PeerGno,
} from './peers/gno_spec';

/** Timed samples per row (after the warm-up run); 1 for rows whose warm-up took over SLOW_MS. */
const SAMPLES = 3;
const SLOW_MS = 15_000;
/** wgno's steps are profiled when that is cheap (warm-up under this) or a peer was faster. */
const PROFILE_MS = 15_000;
const TARGET_MS = 20;
type Lib = 'wgno' | 'jax-js' | 'tfjs';
const PEERS = ['jax-js', 'tfjs'] as const;

// Before init() and the peers' setup: the counter must see every bind group made.
const traffic = TrafficCounter.install();
const rt = await init();
const cpu = isCpuAdapter(rt.adapterInfo);
console.log(`[bench] adapter: ${adapterLine(rt)}`);
/**
 * The sizes are h = 64, c = 32 (run so on a GPU). On a CPU adapter (SwiftShader on 2
 * shared cores) one TF.js forward + backward of 2.4 x 10^5 edges at h = 32, c = 16 took 76 s, so
 * there the sizes are scaled down to keep the file within minutes: h = 32, c = 16 at 10^4 points
 * (~2 x 10^5 edges) and h = 8, c = 4 at 10^5 (~2 x 10^6 edges).
 */
const CASES: GnoCase[] = [
  { n: 10_000, hidden: cpu ? 32 : 64, channels: cpu ? 16 : 32 },
  { n: 100_000, hidden: cpu ? 8 : 64, channels: cpu ? 4 : 32 },
];

// ---- peers ---------------------------------------------------------------------------------
type Factory = (p: GnoProblem, w: readonly GnoWeight[]) => PeerGno;
/** `unavailable`: peers (or a peer at one size) that could not run, with the reason. */
const { versions, unavailable, ...loaded } = await loadPeers<Factory>({
  'jax-js': async () => {
    const jax = await import('./peers/gno_jaxjs');
    return { version: `devices ${await jax.initJaxWebGpu()}`, factory: jax.jaxGno };
  },
  tfjs: async () => {
    const tfp = await import('./peers/gno_tfjs');
    return { version: await tfp.initTfWebGpu(), factory: tfp.tfGno };
  },
});
const factories: Partial<Record<Lib, Factory>> = loaded.factories;

// ---- wgno ----------------------------------------------------------------------------------
const stepFn = (step: Step) => async () => {
  step.run();
  await rt.device.queue.onSubmittedWorkDone();
};

// ---- rows ----------------------------------------------------------------------------------
interface Row {
  group: string;
  lib: Lib;
  name: string;
  edges: number;
  fn: () => Promise<void>;
  reps: number;
  /** Timed samples this row takes, and their times (ms per sample). */
  count: number;
  samples: number[];
}
const rows: Row[] = [];
const agreement: Record<string, number | string> = {};
const readMs: Record<string, number> = {};
const profiles: Record<string, Profile> = {};
const warmMs: Record<string, number> = {};
const problems: Record<string, unknown> = {};

/** Wall time of one awaited call, ms. */
async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Warm up with one waited run; for a peer, then time one run that reads its result back (the
 * wait check, printed beside the waited median). If a run was short, double the runs per sample
 * until one takes TARGET_MS; rows whose runs take over SLOW_MS get a single timed sample.
 */
async function calibrate(
  group: string,
  lib: Lib,
  edges: number,
  fn: () => Promise<void>,
  read?: () => Promise<void>,
): Promise<void> {
  const name = `${lib}: ${group}`;
  let ms = await timed(fn);
  if (read) ms = Math.min(ms, (readMs[name] = await timed(read)));
  warmMs[name] = ms;
  let reps = 1;
  while (ms < TARGET_MS) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    if (performance.now() - t0 >= TARGET_MS || reps >= 1024) break;
    reps *= 2;
  }
  const count = ms > SLOW_MS ? 1 : SAMPLES;
  rows.push({ group, lib, name, edges, fn, reps, count, samples: [] });
  progress(`${name}: warm-up ${ms.toFixed(0)} ms, ${count} sample(s) of ${reps} run(s)`);
}

const started = performance.now();
function progress(what: string): void {
  console.log(`[bench] +${((performance.now() - started) / 1000).toFixed(0)} s ${what}`);
}

/** Output and gradient agreement of every peer with wgno; the peers that passed. */
async function checkPeers(p: GnoProblem, w: WgnoGno, tag: string) {
  w.fwd.run();
  const ref = await w.out.read();
  w.fwdBwd.run();
  const refGrads: GnoGrads = new Map();
  for (const [k, t] of w.grads) refGrads.set(k, await t.read());
  const peers: Partial<Record<Lib, PeerGno>> = {};
  for (const lib of PEERS) {
    const make = factories[lib];
    if (!make) continue;
    let peer: PeerGno | undefined;
    try {
      peer = make(p, w.weights);
      agreement[`${tag} output ${lib} vs wgno`] = relL2(await peer.output(), ref);
      const ga = gradAgreement(await peer.gradients(), refGrads);
      agreement[`${tag} gradients ${lib} vs wgno (worst: ${ga.name})`] = ga.worst;
      peers[lib] = peer;
      progress(`${lib} ${tag}: agreement checked`);
    } catch (e) {
      peer?.dispose();
      unavailable[`${lib} at n=${p.n}`] = `failed before timing: ${why(e)}`;
    }
  }
  return peers;
}

async function benchCase(c: GnoCase): Promise<void> {
  const p = gnoProblem(c);
  const deg = degreeStats(p);
  const tag = `n=${p.n} nnz=${p.nnz} h=${p.hidden} c=${p.channels}`;
  problems[tag] = { radius: p.radius, degree: deg, forwardFlop: forwardFlop(p) };
  progress(
    `${tag}: r=${p.radius.toFixed(4)}, neighbours min ${deg.min} mean ${deg.mean.toFixed(1)} max ${deg.max}`,
  );
  const w = await wgnoGno(rt, p);
  const peers = await checkPeers(p, w, tag);
  type Run = (q: PeerGno, read?: boolean) => Promise<void>;
  const kinds: { group: string; step: Step; run: Run }[] = [
    { group: `gno fwd ${tag}`, step: w.fwd, run: (q, read) => q.forward(read) },
    { group: `gno fwd+bwd ${tag}`, step: w.fwdBwd, run: (q, read) => q.forwardBackward(read) },
  ];
  for (const { group, step, run } of kinds) {
    await calibrate(group, 'wgno', p.nnz, stepFn(step));
    for (const lib of PEERS) {
      const peer = peers[lib];
      if (peer)
        await calibrate(
          group,
          lib,
          p.nnz,
          () => run(peer),
          () => run(peer, true),
        );
    }
  }
  for (const { group, step, run } of kinds) {
    await traffic.count(group, 'wgno', stepFn(step), step);
    for (const lib of PEERS) {
      const peer = peers[lib];
      if (peer) await traffic.count(group, lib, () => run(peer));
    }
  }
  for (const { group, step } of kinds) {
    const own = warmMs[`wgno: ${group}`];
    const beaten = rows.some((r) => r.group === group && r.lib !== 'wgno' && warmMs[r.name] < own);
    if (own < PROFILE_MS || beaten) profiles[group] = await profileStep(step);
  }
  progress(`${tag}: rows ready`);
}

for (const c of CASES) await benchCase(c);
traffic.uninstall();
for (const t of traffic.rows) console.log(`[bench] traffic ${JSON.stringify(t)}`);

console.log(`[bench] peers: ${JSON.stringify(versions)}`);
for (const [k, v] of Object.entries(agreement)) console.log(`[bench] agreement ${k}: ${v}`);
for (const [k, v] of Object.entries(unavailable)) console.log(`[bench] ${k} left out: ${v}`);
for (const [k, v] of Object.entries(profiles))
  console.log(
    `[bench] wgno profile ${k}: ${v.totalMs} ms; per kernel ${JSON.stringify(v.byKernel.slice(0, 8))}; slowest dispatches ${JSON.stringify(v.top)}`,
  );

/** Median ms per run of every finished row, edges/s, and ratios against wgno per group. */
function summary() {
  const done = rows.filter((r) => r.samples.length === r.count);
  const ms = (r: Row) => median(r.samples) / r.reps;
  const wgnoMs = (group: string) => {
    const r = done.find((q) => q.group === group && q.lib === 'wgno');
    return r ? ms(r) : NaN;
  };
  return done.map((r) => ({
    group: r.group,
    lib: r.lib,
    msPerRun: ms(r),
    edgesPerSecond: r.edges / (ms(r) / 1000),
    wgnoOverLib: wgnoMs(r.group) / ms(r),
    readBackMs: readMs[r.name],
  }));
}

async function writeSidecar(): Promise<void> {
  const report = {
    adapter: adapterLine(rt),
    userAgent: navigator.userAgent,
    peers: versions,
    problems,
    agreement,
    unavailable,
    readMs,
    profiles,
    rates: summary(),
    traffic: traffic.rows,
    cases: rows.map((r) => ({ name: r.name, reps: r.reps })),
    compare: rows.map((r) => ({ group: r.group, lib: r.lib, name: r.name })),
  };
  await commands.writeFile(
    'test-results/bench-meta/gno-peers.json',
    JSON.stringify(report, null, 2),
  );
}
await writeSidecar();

/** After a row's last sample: print its rate and rewrite the sidecar with the rates so far. */
async function finish(r: Row): Promise<void> {
  const s = summary().find((q) => q.group === r.group && q.lib === r.lib);
  if (s)
    console.log(
      `[bench] ${r.name}: ${s.msPerRun.toPrecision(3)} ms/run, ${(s.edgesPerSecond / 1e6).toPrecision(3)} M edges/s, wgno/${r.lib} ${s.wgnoOverLib.toPrecision(3)}` +
        (s.readBackMs ? ` (one run reading its output back: ${s.readBackMs.toFixed(0)} ms)` : ''),
    );
  await writeSidecar();
}

for (const g of [...new Set(rows.map((r) => r.group))])
  describe(g, () => {
    for (const r of rows.filter((q) => q.group === g))
      bench(
        r.name,
        async () => {
          const t0 = performance.now();
          for (let i = 0; i < r.reps; i++) await r.fn();
          r.samples.push(performance.now() - t0);
          if (r.samples.length === r.count) await finish(r);
        },
        { time: 0, iterations: r.count, warmupTime: 0, warmupIterations: 0 },
      );
  });
