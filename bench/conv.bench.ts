/**
 * Convolutions at MgNO's sizes (issue 16 item 4): wgno's conv2d and convTranspose2d (both kernel
 * lowerings) against TF.js's WebGPU conv2d / conv2dTranspose and jax-js's lax.convGeneralDilated /
 * lax.convTranspose, side by side in one headless Chromium page
 * (`npm run bench -- bench/conv.bench.ts`). Problems (bench/peers/conv_spec.ts): batch 8,
 * 3 x 3 convs at 24 and 32 channels on 64 x 64 (stride 1), the stride-2 restriction 64 -> 32,
 * and the transposed conv (k 4, stride 2, padding 1) 32 -> 64; zero padding, the same seeded data
 * for every library. Rows: forward, and forward + backward (the x and weight gradients of
 * sum(y * g)). Before timing, every library's output and gradients are checked against wgno's
 * (relative L2, printed and in the sidecar).
 *
 * A timed run issues the work and waits for the GPU (wgno: step.run() + onSubmittedWorkDone();
 * jax-js: blockUntilReady; jax-js rows also time one run that reads its result back, printed
 * beside it, as a check that the wait covers the work). TF.js's rows read their results back:
 * its submitQueue() + onSubmittedWorkDone() returned in ~3 ms for convs that take 100+ ms.
 * `wgno` is the lowering init() picks for the adapter ('lane' on CPU adapters, 'workgroup' on
 * GPUs); `wgno <other>` is the other one. Results: scripts/bench.mjs's peer table (ms per run),
 * console lines with GFLOP/s, and test-results/bench-meta/conv-peers.json.
 */
import { bench, describe } from 'vitest';
import { commands } from 'vitest/browser';
import { conv2d, convTranspose2d, grad, init, mul, sum } from '../src/index';
import type { Runtime, Step, Tensor } from '../src/index';
import { isCpuAdapter } from '../src/gpu/target';
import { adapterLine, describeError as why, loadPeers } from './harness';
import { median, relL2 } from './peers/spec';
import {
  convFlop,
  convName,
  convProblem,
  type ConvCase,
  type ConvProblem,
  type ConvResults,
  type PeerConv,
} from './peers/conv_spec';

const SAMPLES = 3;
const TARGET_MS = 20;
const SLOW_MS = 10_000;

const rt = await init();
const auto = rt.target.kernels;
const other = auto === 'lane' ? 'workgroup' : 'lane';
const rtOther = await init({ kernels: other });
const cpu = isCpuAdapter(rt.adapterInfo);
console.log(`[bench] adapter: ${adapterLine(rt)}; wgno = ${auto} kernels`);

/** MgNO's sizes (batch 8). */
const CASES: ConvCase[] = [
  { kind: 'conv', batch: 8, cin: 24, cout: 24, h: 64, w: 64, stride: 1 },
  { kind: 'conv', batch: 8, cin: 32, cout: 32, h: 64, w: 64, stride: 1 },
  { kind: 'conv', batch: 8, cin: 32, cout: 32, h: 64, w: 64, stride: 2 },
  { kind: 'transpose', batch: 8, cin: 32, cout: 32, h: 32, w: 32, stride: 2 },
];

// ---- peers ---------------------------------------------------------------------------------
type Factory = (p: ConvProblem) => PeerConv;
const { factories, versions, unavailable } = await loadPeers<Factory>({
  'jax-js': async () => {
    const jax = await import('./peers/conv_jaxjs');
    return { version: `devices ${await jax.initJaxWebGpu()}`, factory: jax.jaxConv };
  },
  tfjs: async () => {
    const tfp = await import('./peers/conv_tfjs');
    return { version: await tfp.initTfWebGpu(), factory: tfp.tfConv };
  },
});

// ---- wgno ----------------------------------------------------------------------------------
interface WgnoConv {
  fwd: Step;
  fwdBwd: Step;
  y: Tensor;
  grads: Tensor[];
}

async function wgnoConv(r: Runtime, p: ConvProblem): Promise<WgnoConv> {
  const x = r.tensor(p.x, [p.batch, p.cin, p.h, p.w], { requiresGrad: true });
  const w = r.tensor(p.weight, p.weightShape, { requiresGrad: true });
  const y = p.kind === 'conv' ? conv2d(x, w, { stride: p.stride }) : convTranspose2d(x, w);
  const g = r.tensor(p.g, y.shape);
  const grads = grad(sum(mul(y, g)), [x, w]);
  return {
    fwd: await r.compile({ outputs: [y] }),
    fwdBwd: await r.compile({ outputs: grads }),
    y,
    grads,
  };
}

async function wgnoResults(r: Runtime, c: WgnoConv): Promise<ConvResults> {
  c.fwd.run();
  const y = await c.y.read();
  c.fwdBwd.run();
  return { y, gx: await c.grads[0].read(), gw: await c.grads[1].read() };
}

const wgnoPeer = (r: Runtime, c: WgnoConv): PeerConv => {
  const run = async (s: Step) => {
    s.run();
    await r.device.queue.onSubmittedWorkDone();
  };
  return {
    forward: () => run(c.fwd),
    forwardBackward: () => run(c.fwdBwd),
    results: () => wgnoResults(r, c),
    dispose: () => undefined,
  };
};

// ---- rows ----------------------------------------------------------------------------------
interface Row {
  group: string;
  lib: string;
  name: string;
  flop: number;
  fn: () => Promise<void>;
  reps: number;
  count: number;
  samples: number[];
}
const rows: Row[] = [];
const agreement: Record<string, number> = {};
const readMs: Record<string, number> = {};
const started = performance.now();
const progress = (what: string) =>
  console.log(`[bench] +${((performance.now() - started) / 1000).toFixed(0)} s ${what}`);

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Warm up; double the runs per sample until one takes TARGET_MS; slow rows get one sample. */
async function calibrate(
  group: string,
  lib: string,
  flop: number,
  fn: () => Promise<void>,
  read?: () => Promise<void>,
) {
  const name = `${lib}: ${group}`;
  let ms = await timed(fn);
  if (read) ms = Math.min(ms, (readMs[name] = await timed(read)));
  let reps = 1;
  while (ms * reps < TARGET_MS && reps < 256) {
    const t = await timed(async () => {
      for (let i = 0; i < reps * 2; i++) await fn();
    });
    reps *= 2;
    if (t >= TARGET_MS) break;
  }
  rows.push({ group, lib, name, flop, fn, reps, count: ms > SLOW_MS ? 1 : SAMPLES, samples: [] });
  progress(`${name}: warm-up ${ms.toFixed(0)} ms, ${reps} run(s) per sample`);
}

function check(tag: string, lib: string, got: ConvResults, ref: ConvResults) {
  for (const k of ['y', 'gx', 'gw'] as const)
    agreement[`${tag} ${k} ${lib} vs wgno`] = relL2(got[k], ref[k]);
}

async function benchCase(c: ConvCase): Promise<void> {
  const p = convProblem(c);
  const tag = convName(c);
  const flop = convFlop(p);
  const own = await wgnoConv(rt, p);
  const ref = await wgnoResults(rt, own);
  const peers: Record<string, PeerConv> = { wgno: wgnoPeer(rt, own) };
  peers[`wgno ${other}`] = wgnoPeer(rtOther, await wgnoConv(rtOther, p));
  for (const [lib, make] of Object.entries(factories)) {
    try {
      peers[lib] = make(p);
    } catch (e) {
      unavailable[`${lib} ${tag}`] = why(e);
    }
  }
  for (const [lib, peer] of Object.entries(peers)) {
    if (lib === 'wgno') continue;
    try {
      check(tag, lib, await peer.results(), ref);
    } catch (e) {
      unavailable[`${lib} ${tag}`] = `failed before timing: ${why(e)}`;
      delete peers[lib];
    }
  }
  for (const [lib, peer] of Object.entries(peers)) {
    const wg = lib.startsWith('wgno');
    if (lib === 'tfjs') {
      // TF.js's queue wait returns before its conv work is done (3 ms for 150 MFLOP here, while
      // a run that reads back takes 100 ms to seconds): its rows read their results back.
      await calibrate(`${tag} fwd`, lib, flop, () => peer.forward(true));
      await calibrate(`${tag} fwd+bwd`, lib, 3 * flop, () => peer.forwardBackward(true));
      continue;
    }
    await calibrate(
      `${tag} fwd`,
      lib,
      flop,
      () => peer.forward(),
      wg ? undefined : () => peer.forward(true),
    );
    await calibrate(
      `${tag} fwd+bwd`,
      lib,
      3 * flop,
      () => peer.forwardBackward(),
      wg ? undefined : () => peer.forwardBackward(true),
    );
  }
}

for (const c of CASES) await benchCase(c);
console.log(`[bench] peers: ${JSON.stringify(versions)}${cpu ? ' (CPU adapter)' : ''}`);
for (const [k, v] of Object.entries(agreement))
  console.log(`[bench] agreement ${k}: ${v.toExponential(2)}`);
for (const [k, v] of Object.entries(unavailable)) console.log(`[bench] ${k} left out: ${v}`);

function summary() {
  const done = rows.filter((r) => r.samples.length === r.count);
  const ms = (r: Row) => median(r.samples) / r.reps;
  return done.map((r) => ({
    group: r.group,
    lib: r.lib,
    msPerRun: ms(r),
    gflops: r.flop / ms(r) / 1e6,
    readBackMs: readMs[r.name],
  }));
}

async function writeSidecar(): Promise<void> {
  const report = {
    adapter: adapterLine(rt),
    userAgent: navigator.userAgent,
    peers: versions,
    agreement,
    unavailable,
    readMs,
    rates: summary(),
    cases: rows.map((r) => ({ name: r.name, reps: r.reps })),
    compare: rows.map((r) => ({ group: r.group, lib: r.lib, name: r.name })),
  };
  await commands.writeFile(
    'test-results/bench-meta/conv-peers.json',
    JSON.stringify(report, null, 2),
  );
}
await writeSidecar();

for (const g of [...new Set(rows.map((r) => r.group))])
  describe(g, () => {
    for (const r of rows.filter((q) => q.group === g))
      bench(
        r.name,
        async () => {
          const t0 = performance.now();
          for (let i = 0; i < r.reps; i++) await r.fn();
          r.samples.push(performance.now() - t0);
          if (r.samples.length < r.count) return;
          const s = summary().find((q) => q.group === r.group && q.lib === r.lib);
          if (s)
            console.log(
              `[bench] ${r.name}: ${s.msPerRun.toPrecision(3)} ms/run, ${s.gflops.toPrecision(3)} GFLOP/s` +
                (s.readBackMs ? ` (one run reading back: ${s.readBackMs.toFixed(0)} ms)` : ''),
            );
          await writeSidecar();
        },
        { time: 0, iterations: r.count, warmupTime: 0, warmupIterations: 0 },
      );
  });
