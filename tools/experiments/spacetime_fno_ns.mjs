// Trains a SpaceTimeFNO (Spectral-Refiner's space-time FNO) on FNO-paper Navier-Stokes data with
// wgno's Trainer: 10 records in (t = 1..10), the next 10 out at once (t = 11..20). Writes
// weights.safetensors, config.json and log.csv (epoch, train and test relative L2, lr, seconds)
// to --out after every epoch, so a run stopped at any time leaves its last epoch behind.
//
//   node_modules/.bin/vite build --logLevel error --outDir /tmp/wgno-dist   # or dist/
//   WGNO_DIST=/tmp/wgno-dist/wgno.js node tools/experiments/spacetime_fno_ns.mjs \
//     --train ns64_train.safetensors --test ns64_test.safetensors --out models/ns2d-refiner \
//     [--windows 3] [--schedule onecycle] [--init weights.safetensors] [--deadline 22:30]
//
// Data: tensor `u` [n, s, s, 20] (record k at time k + 1), from `wgno ns-generate` or
// tools/experiments/spacetime_fno_data.py. The loss is the Trainer's relative L2 with layout
// 'channels-last': per sample and predicted frame over the grid, the error measure.
import { mkdir, writeFile, appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const lib = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { init, SpaceTimeFNO, Trainer, Adam, StepLR, readSafetensors, writeSafetensors } = lib;

const { values: arg } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    out: { type: 'string', default: 'runs/spacetime-fno' },
    epochs: { type: 'string', default: '30' },
    'batch-size': { type: 'string', default: '4' },
    lr: { type: 'string', default: '0.005' },
    width: { type: 'string', default: '10' },
    modes: { type: 'string', default: '12,12,5' },
    'n-train': { type: 'string', default: '0' },
    'n-test': { type: 'string', default: '4' },
    seed: { type: 'string', default: '0' },
    layers: { type: 'string', default: '4' },
    windows: { type: 'string', default: '1' },
    schedule: { type: 'string', default: 'step' },
    init: { type: 'string' },
    deadline: { type: 'string' },
  },
});
const [EPOCHS, BATCH, LR, WIDTH, SEED, N_TRAIN] = [
  'epochs',
  'batch-size',
  'lr',
  'width',
  'seed',
  'n-train',
].map((k) => Number(arg[k]));
const [MX, MY, MT] = arg.modes.split(',').map(Number);
const [T_IN, T_OUT] = [10, 10];
const log = (s) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

/**
 * Windows of a data set: inputs u[..., o:o+10], targets u[..., o+10:o+20], both [n, s, s, 10],
 * for the offsets o = 0..count-1 of every trajectory (sliding windows; o = 0 is the issue's
 * t = 1..10 -> 11..20), trajectory-major.
 */
async function windows(path, count = 1) {
  const u = readSafetensors(new Uint8Array(await readFile(path))).get('u');
  const [n0, s, , t] = u.shape;
  const need = T_IN + T_OUT + count - 1;
  if (t < need) throw new Error(`${path}: u has ${t} records; need ${need} for ${count} windows`);
  const n = n0 * count;
  const x = new Float32Array(n * s * s * T_IN);
  const y = new Float32Array(n * s * s * T_OUT);
  for (let i = 0; i < n0; i++)
    for (let o = 0; o < count; o++)
      for (let q = 0; q < s * s; q++) {
        const [src, dst] = [(i * s * s + q) * t + o, ((i * count + o) * s * s + q) * T_IN];
        for (let k = 0; k < T_IN; k++) {
          x[dst + k] = u.data[src + k];
          y[dst + k] = u.data[src + T_IN + k];
        }
      }
  return {
    inputs: { data: x, shape: [n, s, s, T_IN] },
    targets: { data: y, shape: [n, s, s, T_OUT] },
    n,
    s,
  };
}

// Without --test, the last --n-test trajectories of --train are held out.
const WINDOWS = Number(arg.windows);
const all = await windows(arg.train, WINDOWS);
const split = (w, from, to) => {
  const per = (a) => a.data.length / a.shape[0];
  const part = (a) => ({
    data: a.data.slice(from * per(a), to * per(a)),
    shape: [to - from, ...a.shape.slice(1)],
  });
  return { inputs: part(w.inputs), targets: part(w.targets), n: to - from, s: w.s };
};
const held = arg.test ? 0 : Number(arg['n-test']) * WINDOWS;
const train = split(all, 0, N_TRAIN > 0 ? Math.min(N_TRAIN, all.n - held) : all.n - held);
const test = arg.test ? await windows(arg.test) : split(all, all.n - held, all.n);
const rt = await init();
const config = {
  modesX: MX,
  modesY: MY,
  modesT: MT,
  width: WIDTH,
  numSpectralLayers: Number(arg.layers),
  outputSteps: T_OUT,
  seed: SEED,
};
const model = new SpaceTimeFNO(rt, config);
if (arg.init) model.loadStateDict(readSafetensors(new Uint8Array(await readFile(arg.init))));
const nParams = model
  .namedParameters()
  .reduce((a, [, t]) => a + t.size * (t.dtype === 'complex64' ? 2 : 1), 0);
const optimizer = new Adam(model.namedParameters(), { lr: LR });
// 'step': halved every quarter of the run, per epoch. 'onecycle': per step, a linear warm-up from
// LR/10 over the first 10% of the steps, then a cosine down to LR/500 (torch's OneCycleLR shape;
// Spectral-Refiner trains with one-cycle).
const scheduler =
  arg.schedule === 'step'
    ? new StepLR(optimizer, { stepSize: Math.max(1, Math.round(EPOCHS / 4)), gamma: 0.5 })
    : undefined;
function oneCycle(step, total) {
  const warm = Math.max(1, Math.round(0.1 * total));
  if (step < warm) return LR * (0.1 + (0.9 * step) / warm);
  const p = Math.min(1, (step - warm) / Math.max(1, total - warm));
  return LR / 500 + (LR - LR / 500) * 0.5 * (1 + Math.cos(Math.PI * p));
}
const opts = {
  model: {
    forward: (x) => model.forward(x, T_OUT),
    namedParameters: () => model.namedParameters(),
  },
  optimizer,
  scheduler,
  inputs: train.inputs,
  targets: train.targets,
  batchSize: BATCH,
  seed: SEED,
  layout: 'channels-last',
  onProgress: (p) => {
    if (arg.schedule === 'onecycle')
      optimizer.lr = oneCycle(p.epoch * p.stepsPerEpoch + p.step, EPOCHS * p.stepsPerEpoch);
  },
};
const trainer = await Trainer.create(opts);
await mkdir(arg.out, { recursive: true });
await writeFile(join(arg.out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
const logPath = join(arg.out, 'log.csv');
await writeFile(logPath, 'epoch,train_rel_l2,test_rel_l2,lr,seconds\n');
log(
  `SpaceTimeFNO ${JSON.stringify(config)}: ${nParams} real parameters; ${train.n} train / ${test.n} test windows at ${train.s}x${train.s}; ${trainer.stepsPerEpoch} steps per epoch`,
);
const start = performance.now();
// --deadline HH:MM (UTC): stop after the epoch that would otherwise end past it.
const deadline = arg.deadline
  ? new Date(`${new Date().toISOString().slice(0, 11)}${arg.deadline}:00Z`).getTime()
  : Infinity;
let best = Infinity;
if (arg.schedule === 'onecycle') optimizer.lr = oneCycle(0, EPOCHS * trainer.stepsPerEpoch);
while (trainer.epoch < EPOCHS) {
  const epochStart = Date.now();
  const lr = optimizer.lr;
  const { losses } = await trainer.fit(1);
  const testErr = (await trainer.evaluate(test.inputs, test.targets)).relL2;
  const s = ((performance.now() - start) / 1000).toFixed(1);
  // The default loss sums the relative L2 over the batch's samples and frames.
  const trainErr = losses.at(-1) / (BATCH * T_OUT);
  await appendFile(logPath, `${trainer.epoch},${trainErr},${testErr},${lr},${s}\n`);
  const bytes = writeSafetensors(await model.stateDict());
  await writeFile(join(arg.out, 'weights.safetensors'), bytes);
  if (testErr < best) {
    best = testErr;
    await writeFile(join(arg.out, 'best.safetensors'), bytes);
  }
  log(
    `epoch ${trainer.epoch}: train ${trainErr.toFixed(4)}, test ${testErr.toFixed(4)}, lr ${lr}, ${s} s`,
  );
  if (Date.now() + (Date.now() - epochStart) > deadline) {
    log(`stopping: another epoch would end after ${arg.deadline} UTC`);
    break;
  }
}
trainer.destroy();
rt.destroy();
