/**
 * wgno against two peer browser libraries, side by side in one headless Chromium page (`npm run
 * bench`): the same FNO-2D (neuraloperator semantics: grid embedding, lifting MLP, 4 Fourier
 * blocks with linear skip and soft-gated channel-MLP skip, projection; 64x64, batch 4, hidden 20,
 * modes (12, 12), 10 + 2 input channels, 1 output) with the SAME weights (wgno's, read back and fed
 * to the peers), in
 *   - wgno: FNO, lpLoss, Adam, compiled into Steps;
 *   - jax-js (bench/peers/jaxjs.ts): jit + valueAndGrad, its WebGPU FFT;
 *   - TF.js (bench/peers/tfjs.ts): tfjs-backend-webgpu, truncated-DFT matMuls (its FFT has no gradient).
 * Every row is warmed up once (pipelines compiled) and then timed for SAMPLES samples.
 * Before timing it checks that the three agree (forward output and first training loss, relative
 * to wgno) and prints the numbers. Rows: inference per batch, training step (forward + backward +
 * Adam), and rfft2 + irfft2 alone on (4, 20, 64, 64) and (1, 20, 256, 256).
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
import type { Step } from '../src/index';
import { adapterLine, describeError as why } from './harness';
import { TrafficCounter } from './traffic';
import { FNO_BENCH, relL2, type Weights } from './peers/spec';
import type { PeerFft, PeerFno } from './peers/types';

/** Timed samples per row (after one warm-up sample): SwiftShader runs the FNO step in seconds. */
const SAMPLES = 3;
const TARGET_MS = 20;
type Lib = 'wgno' | 'jax-js' | 'tfjs';

// Before init() and the peers' setup: the counter must see every bind group made.
const traffic = TrafficCounter.install();
const rt = await init();
console.log(`[bench] adapter: ${adapterLine(rt)}`);
const rng = new Rng(7);
const { batch, inChannels, outChannels, hidden, nLayers, size, lr } = FNO_BENCH;

// ---- wgno ----------------------------------------------------------------------------------
const xData = rng.normals(batch * inChannels * size * size, 1);
const yData = rng.normals(batch * outChannels * size * size, 1);
const model = new FNO(rt, {
  nModes: [...FNO_BENCH.modes],
  inChannels,
  outChannels,
  hiddenChannels: hidden,
  nLayers,
  seed: 3,
});
const x = rt.tensor(xData, [batch, inChannels, size, size]);
const target = rt.tensor(yData, [batch, outChannels, size, size]);
const yInfer = model.forward(x);
const inferStep = await rt.compile({ outputs: [yInfer], label: 'fno-infer' });
inferStep.run();
const wgnoOut = await yInfer.read();
const weights: Weights = new Map();
for (const [name, p] of model.namedParameters())
  weights.set(name, {
    shape: [...p.shape],
    dtype: p.dtype === 'complex64' ? 'complex64' : 'float32',
    data: await p.read(),
  });
const trainLoss = lpLoss(model.forward(x), target);
trainLoss.backward();
const trainStep = await rt.compile({
  outputs: [trainLoss],
  updates: [new Adam(model.namedParameters(), { lr })],
  label: 'fno-train',
});

function wgnoFft(data: Float32Array, shape: number[]) {
  const t = rt.tensor(data, shape);
  const z = fft(fft(rfft(t), -2), -2, { inverse: true });
  const y = irfft(z, { n: shape.at(-1)! });
  return { y, step: rt.compile({ outputs: [y], label: `fft ${shape.join('x')}` }) };
}
const stepFn = (step: Step) => async () => {
  step.run();
  await rt.device.queue.onSubmittedWorkDone();
};

// ---- peers ---------------------------------------------------------------------------------
const unavailable: Partial<Record<Lib, string>> = {};
const peerFno: Partial<Record<Lib, PeerFno>> = {};
type FftFactory = (data: Float32Array, shape: number[]) => PeerFft;
const peerFftFactory: Partial<Record<Lib, FftFactory>> = {};
const versions: Record<string, string> = {};
try {
  const jax = await import('./peers/jaxjs');
  versions['jax-js'] = `devices ${await jax.initJaxWebGpu()}`;
  peerFno['jax-js'] = await jax.jaxFno(weights, xData, yData);
  peerFftFactory['jax-js'] = jax.jaxFft;
} catch (e) {
  unavailable['jax-js'] = why(e);
}
try {
  const tfp = await import('./peers/tfjs');
  versions.tfjs = await tfp.initTfWebGpu();
  peerFno.tfjs = await tfp.tfFno(weights, xData, yData);
  peerFftFactory.tfjs = tfp.tfFft;
} catch (e) {
  unavailable.tfjs = why(e);
}

// ---- agreement (same weights, before any training step) -------------------------------------
const agreement: Record<string, number | string> = {};
for (const lib of ['jax-js', 'tfjs'] as const) {
  const p = peerFno[lib];
  if (!p) continue;
  try {
    agreement[`fno output ${lib} vs wgno`] = relL2(await p.output(), wgnoOut);
  } catch (e) {
    unavailable[lib] = `forward failed: ${why(e)}`;
    delete peerFno[lib];
  }
}
const noTrain = new Set<Lib>();
// First training step of each: the loss it reports is the one before its Adam update.
trainStep.run();
const losses: Partial<Record<Lib, number>> = { wgno: (await trainLoss.read())[0] };
for (const lib of ['jax-js', 'tfjs'] as const) {
  const p = peerFno[lib];
  if (!p) continue;
  try {
    losses[lib] = await p.trainLoss();
    agreement[`train loss ${lib} vs wgno`] = Math.abs(losses[lib] - losses.wgno!) / losses.wgno!;
  } catch (e) {
    unavailable[lib] = `training step failed (its inference rows are kept): ${why(e)}`;
    noTrain.add(lib);
  }
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
}

const gInfer = `fno2d infer b${batch} ${size}x${size}`;
const gTrain = `fno2d train step b${batch} ${size}x${size}`;
await calibrate(gInfer, 'wgno', stepFn(inferStep));
for (const lib of ['jax-js', 'tfjs'] as const)
  if (peerFno[lib]) await calibrate(gInfer, lib, () => peerFno[lib]!.infer());
await calibrate(gTrain, 'wgno', stepFn(trainStep));
for (const lib of ['jax-js', 'tfjs'] as const)
  if (peerFno[lib] && !noTrain.has(lib)) await calibrate(gTrain, lib, () => peerFno[lib]!.train());

for (const r of rows) {
  const step = r.lib !== 'wgno' ? undefined : r.group === gInfer ? inferStep : trainStep;
  await traffic.count(r.group, r.lib, r.fn, step);
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
  await calibrate(group, 'wgno', stepFn(step));
  for (const lib of ['jax-js', 'tfjs'] as const) {
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
