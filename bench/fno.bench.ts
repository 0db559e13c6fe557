/**
 * wgno against two peer browser libraries, side by side in one headless Chromium page (`npm run
 * bench`): the same FNO-2D (neuraloperator semantics: grid embedding, lifting MLP, 4 Fourier
 * blocks with linear skip and soft-gated channel-MLP skip, projection; hidden 20, modes (12, 12),
 * 10 + 2 input channels, 1 output) with the SAME weights (wgno's, read back and fed to the peers),
 * at 32x32 batch 2 and 64x64 batch 4, in
 *   - wgno, in both kernel lowerings, each on its own device (`init({ kernels })`): 'lane' (lib
 *     'wgno', what CPU adapters get) and 'workgroup' (lib 'wgno workgroup', what GPUs get);
 *     FNO, lpLoss, Adam, compiled into Steps;
 *   - jax-js (bench/peers/jaxjs.ts): jit + valueAndGrad, its WebGPU FFT;
 *   - TF.js (bench/peers/tfjs.ts): tfjs-backend-webgpu, truncated-DFT matMuls (its FFT has no gradient).
 * Every row is warmed up once (pipelines compiled) and then timed for SAMPLES samples.
 * Before timing it checks that all agree (forward output and first training loss, relative to
 * wgno 'lane') and prints the numbers. Rows: inference per batch, training step (forward +
 * backward + Adam) per size, and rfft2 + irfft2 alone on (4, 20, 64, 64) and (1, 20, 256, 256)
 * ('lane').
 *
 * Traffic: one warmed-up run of each FNO row is counted at the WebGPU level (dispatches and the
 * storage bytes bound to them, bench/traffic.ts), wgno's beside its declared step.cost; the
 * counter is removed before any row is timed.
 *
 * Every timed run, for every library, is "issue the work, then wait until the GPU has finished it"
 * (wgno: step.run() + queue.onSubmittedWorkDone(); jax-js: blockUntilReady(); TF.js: submitQueue()
 * + onSubmittedWorkDone()); nothing is read back. A peer that cannot run here is left out with its
 * reason, in the console and the sidecar (scripts/bench.mjs prints both).
 */
import { describe, bench } from 'vitest';
import { commands } from 'vitest/browser';
import { Adam, FNO, Rng, fft, init, irfft, lpLoss, rfft } from '../src/index';
import type { Runtime, Step } from '../src/index';
import { adapterLine, describeError as why } from './harness';
import { TrafficCounter } from './traffic';
import { FNO_BENCH, relL2, type Weights } from './peers/spec';
import type { PeerFft, PeerFno } from './peers/types';

/** Timed samples per row (after one warm-up sample): SwiftShader runs the FNO step in seconds. */
const SAMPLES = 3;
const TARGET_MS = 20;
type Lib = 'wgno' | 'wgno workgroup' | 'jax-js' | 'tfjs';
const PEERS = ['jax-js', 'tfjs'] as const;
const SIZES = [
  { batch: 2, size: 32 },
  { batch: 4, size: 64 },
];

// Before init() and the peers' setup: the counter must see every bind group made.
const traffic = TrafficCounter.install();
const rt = await init({ kernels: 'lane' });
const rtWg = await init({ kernels: 'workgroup' });
console.log(`[bench] adapter: ${adapterLine(rt)}`);
const rng = new Rng(7);
const { inChannels, outChannels, hidden, nLayers, lr } = FNO_BENCH;

// ---- wgno ----------------------------------------------------------------------------------
/** The bench's FNO (seed 3: the same weights on every device) compiled for inference and training. */
async function wgnoFno(
  r: Runtime,
  batch: number,
  size: number,
  xData: Float32Array,
  yData: Float32Array,
) {
  const model = new FNO(r, {
    nModes: [...FNO_BENCH.modes],
    inChannels,
    outChannels,
    hiddenChannels: hidden,
    nLayers,
    seed: 3,
  });
  const x = r.tensor(xData, [batch, inChannels, size, size]);
  const target = r.tensor(yData, [batch, outChannels, size, size]);
  const y = model.forward(x);
  const inferStep = await r.compile({ outputs: [y], label: 'fno-infer' });
  inferStep.run();
  const out = await y.read();
  const weights: Weights = new Map();
  for (const [name, p] of model.namedParameters())
    weights.set(name, {
      shape: [...p.shape],
      dtype: p.dtype === 'complex64' ? 'complex64' : 'float32',
      data: await p.read(),
    });
  const loss = lpLoss(model.forward(x), target);
  loss.backward();
  const trainStep = await r.compile({
    outputs: [loss],
    updates: [new Adam(model.namedParameters(), { lr })],
    label: 'fno-train',
  });
  /** The first training step's loss (before its Adam update). */
  const firstLoss = async () => {
    trainStep.run();
    return (await loss.read())[0];
  };
  return { inferStep, trainStep, out, weights, firstLoss };
}

function wgnoFft(data: Float32Array, shape: number[]) {
  const t = rt.tensor(data, shape);
  const z = fft(fft(rfft(t), -2), -2, { inverse: true });
  const y = irfft(z, { n: shape.at(-1)! });
  return { y, step: rt.compile({ outputs: [y], label: `fft ${shape.join('x')}` }) };
}
const stepFn = (step: Step, r: Runtime) => async () => {
  step.run();
  await r.device.queue.onSubmittedWorkDone();
};

// ---- peers ---------------------------------------------------------------------------------
const unavailable: Partial<Record<Lib, string>> = {};
type FftFactory = (data: Float32Array, shape: number[]) => PeerFft;
type FnoFactory = (
  w: Weights,
  x: Float32Array,
  y: Float32Array,
  dims: { batch: number; size: number },
) => Promise<PeerFno>;
const peerFnoFactory: Partial<Record<Lib, FnoFactory>> = {};
const peerFftFactory: Partial<Record<Lib, FftFactory>> = {};
const versions: Record<string, string> = {};
try {
  const jax = await import('./peers/jaxjs');
  versions['jax-js'] = `devices ${await jax.initJaxWebGpu()}`;
  peerFnoFactory['jax-js'] = jax.jaxFno;
  peerFftFactory['jax-js'] = jax.jaxFft;
} catch (e) {
  unavailable['jax-js'] = why(e);
}
try {
  const tfp = await import('./peers/tfjs');
  versions.tfjs = await tfp.initTfWebGpu();
  peerFnoFactory.tfjs = tfp.tfFno;
  peerFftFactory.tfjs = tfp.tfFft;
} catch (e) {
  unavailable.tfjs = why(e);
}

// ---- rows ----------------------------------------------------------------------------------
interface Row {
  group: string;
  lib: Lib;
  name: string;
  fn: () => Promise<void>;
  reps: number;
  flop?: number;
}
const rows: Row[] = [];
/** Warm up (first run); if that run was short, double the runs per sample until one takes TARGET_MS. */
async function calibrate(group: string, lib: Lib, fn: () => Promise<void>): Promise<void> {
  const t = performance.now();
  await fn();
  const warmMs = performance.now() - t;
  let reps = 1;
  while (warmMs < TARGET_MS) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    if (performance.now() - t0 >= TARGET_MS || reps >= 1024) break;
    reps *= 2;
  }
  rows.push({ group, lib, name: `${lib}: ${group}`, fn, reps });
  // Progress, and a first number should a loaded machine cut the run short.
  console.log(`[bench] warmed ${lib}: ${group} in ${warmMs.toFixed(0)} ms (pipelines included)`);
}

// ---- FNO rows per size: agreement (same weights, before any training step), then timing -----
const agreement: Record<string, number | string> = {};
const losses: Record<string, number> = {};
const wgnoSteps = new Map<() => Promise<void>, Step>();
for (const { batch, size } of SIZES) {
  const tag = `b${batch} ${size}x${size}`;
  const xData = rng.normals(batch * inChannels * size * size, 1);
  const yData = rng.normals(batch * outChannels * size * size, 1);
  const lane = await wgnoFno(rt, batch, size, xData, yData);
  const wg = await wgnoFno(rtWg, batch, size, xData, yData);
  agreement[`fno ${tag} output wgno workgroup vs lane`] = relL2(wg.out, lane.out);
  const peers: Partial<Record<Lib, PeerFno>> = {};
  for (const lib of PEERS) {
    const make = peerFnoFactory[lib];
    if (!make) continue;
    try {
      peers[lib] = await make(lane.weights, xData, yData, { batch, size });
      agreement[`fno ${tag} output ${lib} vs wgno`] = relL2(await peers[lib].output(), lane.out);
    } catch (e) {
      agreement[`fno ${tag} ${lib}`] = `forward failed: ${why(e)}`;
      delete peers[lib];
    }
  }
  const noTrain = new Set<Lib>();
  losses[`wgno ${tag}`] = await lane.firstLoss();
  losses[`wgno workgroup ${tag}`] = await wg.firstLoss();
  for (const lib of PEERS) {
    if (!peers[lib]) continue;
    try {
      losses[`${lib} ${tag}`] = await peers[lib].trainLoss();
    } catch (e) {
      agreement[`fno ${tag} ${lib} train`] = `training step failed (inference kept): ${why(e)}`;
      noTrain.add(lib);
    }
  }
  for (const lib of ['wgno workgroup', ...PEERS] as const)
    if (losses[`${lib} ${tag}`] !== undefined)
      agreement[`fno ${tag} train loss ${lib} vs wgno`] =
        Math.abs(losses[`${lib} ${tag}`] - losses[`wgno ${tag}`]) / losses[`wgno ${tag}`];

  const gInfer = `fno2d infer ${tag}`;
  const gTrain = `fno2d train step ${tag}`;
  for (const [group, train] of [
    [gInfer, false],
    [gTrain, true],
  ] as const) {
    for (const [lib, w, r] of [
      ['wgno', lane, rt],
      ['wgno workgroup', wg, rtWg],
    ] as const) {
      const step = train ? w.trainStep : w.inferStep;
      const fn = stepFn(step, r);
      wgnoSteps.set(fn, step);
      await calibrate(group, lib, fn);
    }
    for (const lib of PEERS) {
      const p = peers[lib];
      if (p && !(train && noTrain.has(lib)))
        await calibrate(group, lib, train ? () => p.train() : () => p.infer());
    }
  }
}

for (const r of rows) {
  const t0 = performance.now();
  await traffic.count(r.group, r.lib, r.fn, wgnoSteps.get(r.fn));
  console.log(`[bench] counted ${r.name}: one warm run ${(performance.now() - t0).toFixed(0)} ms`);
}
traffic.uninstall();
for (const t of traffic.rows) console.log(`[bench] traffic ${JSON.stringify(t)}`);

for (const shape of [
  [4, 20, 64, 64],
  [1, 20, 256, 256],
]) {
  const group = `rfft2+irfft2 (${shape.join(', ')})`;
  const data = rng.normals(
    shape.reduce((a, b) => a * b, 1),
    1,
  );
  const w = wgnoFft(data, shape);
  const step = await w.step;
  step.run();
  agreement[`${group} wgno round trip`] = relL2(await w.y.read(), data);
  await calibrate(group, 'wgno', stepFn(step, rt));
  for (const lib of PEERS) {
    const make = peerFftFactory[lib];
    if (!make) continue;
    try {
      const p = make(data, shape);
      agreement[`${group} ${lib} round trip`] = relL2(await p.output(), data);
      await calibrate(group, lib, () => p.run());
    } catch (e) {
      agreement[`${group} ${lib}`] = `failed: ${why(e)}`;
    }
  }
}

console.log(`[bench] peers: ${JSON.stringify(versions)}`);
for (const [k, v] of Object.entries(agreement)) console.log(`[bench] agreement ${k}: ${v}`);
for (const [k, v] of Object.entries(unavailable)) console.log(`[bench] ${k} left out: ${v}`);

await commands.writeFile(
  'test-results/bench-meta/fno-peers.json',
  JSON.stringify(
    {
      adapter: adapterLine(rt),
      userAgent: navigator.userAgent,
      peers: versions,
      agreement,
      losses,
      unavailable,
      traffic: traffic.rows,
      cases: rows.map((r) => ({ name: r.name, reps: r.reps })),
      compare: rows.map((r) => ({ group: r.group, lib: r.lib, name: r.name })),
    },
    null,
    2,
  ),
);

const groups = [...new Set(rows.map((r) => r.group))];
for (const g of groups)
  describe(g, () => {
    for (const r of rows.filter((q) => q.group === g))
      bench(
        r.name,
        async () => {
          for (let i = 0; i < r.reps; i++) await r.fn();
        },
        { time: 0, iterations: SAMPLES, warmupTime: 0, warmupIterations: 0 },
      );
  });
