// MgNO vs FNO on Darcy flow with piecewise-constant coefficients (wgno's own solver and data,
// src/pde/darcy_dataset.ts: a = 12 / 3 thresholded from a Neumann GRF, u = 0 on the boundary),
// at matched parameter counts and an equal training budget per model on this machine.
// Results, commands and the reasoning behind the choices: docs/mgno.md.
//
//   node_modules/.bin/vite build --logLevel error --outDir node_modules/.cache/mydist
//   WGNO_DIST=$PWD/node_modules/.cache/mydist/wgno.js nice -n 3 node tools/experiments/mgno_darcy.mjs \
//     --out /tmp/mgno-darcy --s 64 --budget 900
//
// Both models see the same normalised input (a - 7.5) / 4.5 as one channel on the s x s node grid
// and predict u / uScale (uScale: the largest |u| of the training set); training minimises and
// evaluation reports the Trainer's relative L2 per sample (neuraloperator's LpLoss), which does not
// depend on uScale. The baseline "mean" is the training set's mean field, scored the same way: a
// model that does not beat it has learnt nothing about the coefficient.
// The budget counts training steps only (each model's pipelines are compiled before its clock
// starts), in CPU seconds of this process by default (--clock cpu: Dawn's SwiftShader threads
// included; on a machine shared with other jobs that is what a model costs, where elapsed time
// mostly measures the others) or in elapsed seconds (--clock wall). The models' epochs alternate
// (the one with less time used goes next), so both train under the same background load. After
// every epoch the held-out set is scored off the clock. At the end both models predict the
// held-out set once more for the relative H1 error (central differences inside, one-sided at the
// edges, h = 1 / (s - 1)).
// MgNO's Darcy data has a Dirichlet boundary, hence paddingMode 'zeros' (MgNO_DC). The FNO is
// neuraloperator's (grid embedding) with domain padding (--fno-padding, a fraction of each side:
// the FNO paper's way of handling a non-periodic boundary), its width chosen so that its
// parameter count is the closest to MgNO's unless --fno-width is given.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const dist = process.env.WGNO_DIST ?? '../../dist/wgno.js';
const wgno = await import(new URL(dist, import.meta.url).href);
const { init, generateDarcy, writeDarcyDataset, readSafetensors, MgNO, FNO, Trainer, Adam } = wgno;

const { values: arg } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/mgno-darcy' },
    models: { type: 'string', default: 'mgno,fno' },
    s: { type: 'string', default: '64' },
    'n-train': { type: 'string', default: '128' },
    'n-test': { type: 'string', default: '32' },
    budget: { type: 'string', default: '900' },
    clock: { type: 'string', default: 'cpu' },
    'batch-size': { type: 'string', default: '4' },
    'mgno-channels': { type: 'string', default: '8' },
    'mgno-layers': { type: 'string', default: '4' },
    'mgno-coarsest': { type: 'string', default: '4' },
    'fno-modes': { type: 'string', default: '12' },
    'fno-width': { type: 'string' },
    'fno-padding': { type: 'string', default: '0.125' },
    'lr-mgno': { type: 'string', default: '0.001' },
    'lr-fno': { type: 'string', default: '0.001' },
    kernels: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});
const num = (k) => Number(arg[k]);
const [S, N_TRAIN, N_TEST, BUDGET, BATCH] = ['s', 'n-train', 'n-test', 'budget', 'batch-size'].map(
  num,
);
const SEED = num('seed');

const t0 = performance.now();
const elapsed = () => (performance.now() - t0) / 1000;
const log = (...a) => console.log(`[${elapsed().toFixed(1)} s]`, ...a);

/** MgNO_DC with 1 pre-smoothing step per level, 2 on the coarsest, levels down to --mgno-coarsest. */
function mgnoConfig() {
  const levels = Math.max(1, Math.log2(S / num('mgno-coarsest')) + 1);
  if (!Number.isInteger(levels)) throw new Error(`--s ${S} must be --mgno-coarsest times 2^k`);
  const numIteration = Array.from({ length: levels }, (_, l) => [l === levels - 1 ? 2 : 1, 0]);
  return {
    inChannels: 1,
    hiddenChannels: num('mgno-channels'),
    numLayers: num('mgno-layers'),
    numIteration,
    paddingMode: 'zeros',
    seed: SEED,
  };
}

const count = (model) =>
  model
    .parameters()
    .reduce(
      (n, t) => n + t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'complex64' ? 2 : 1),
      0,
    );

/** The FNO (4 layers, m x m modes, domain padding); width --fno-width or the closest in size. */
function fnoConfig(rt, target) {
  const m = num('fno-modes');
  const make = (h) => ({
    nModes: [m, m],
    inChannels: 1,
    outChannels: 1,
    hiddenChannels: h,
    nLayers: 4,
    domainPadding: num('fno-padding') || null,
    seed: SEED,
  });
  if (arg['fno-width']) return make(num('fno-width'));
  let best = null;
  for (let h = 2; h <= 96; h += 1) {
    const n = count(new FNO(rt, make(h)));
    if (!best || Math.abs(n - target) < Math.abs(best.n - target)) best = { h, n };
    if (n > target) break;
  }
  return make(best.h);
}

/** The data set: read from `out` when present (same options), else generated and written. */
async function darcyData(rt) {
  const file = join(arg.out, `darcy_s${S}_n${N_TRAIN + N_TEST}_seed${SEED}.safetensors`);
  if (existsSync(file)) {
    const sd = readSafetensors(await readFile(file));
    log(`data: read ${file}`);
    return { coeff: sd.get('coeff'), sol: sd.get('sol') };
  }
  const ds = await generateDarcy(rt, { n: N_TRAIN + N_TEST, s: S, seed: SEED });
  await writeFile(file, writeDarcyDataset(ds));
  log(`data: generated ${N_TRAIN + N_TEST} samples at ${S} x ${S}, wrote ${file}`);
  return ds;
}

/** Inputs [n, 1, s, s] = (a - 7.5) / 4.5 and targets u / uScale, split train / test. */
function split(ds) {
  const size = S * S;
  const a = ds.coeff.data.map((v) => (v - 7.5) / 4.5);
  const train = ds.sol.data.subarray(0, N_TRAIN * size);
  const uScale = train.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const u = ds.sol.data.map((v) => v / uScale);
  const part = (d, from, n) => ({
    data: d.subarray(from * size, (from + n) * size),
    shape: [n, 1, S, S],
  });
  return {
    train: { inputs: part(a, 0, N_TRAIN), targets: part(u, 0, N_TRAIN) },
    test: { inputs: part(a, N_TRAIN, N_TEST), targets: part(u, N_TRAIN, N_TEST) },
  };
}

/** Mean over samples of |p - y| / |y| (L2) and of the same with first differences added (H1). */
function relErrors(pred, target, n) {
  const size = S * S;
  const h = 1 / (S - 1);
  const grad = (f, o, i, j) => {
    const at = (ii, jj) => f[o + ii * S + jj];
    const di =
      i === 0
        ? at(1, j) - at(0, j)
        : i === S - 1
          ? at(i, j) - at(i - 1, j)
          : (at(i + 1, j) - at(i - 1, j)) / 2;
    const dj =
      j === 0
        ? at(i, 1) - at(i, 0)
        : j === S - 1
          ? at(i, j) - at(i, j - 1)
          : (at(i, j + 1) - at(i, j - 1)) / 2;
    return [di / h, dj / h];
  };
  let l2 = 0;
  let h1 = 0;
  for (let b = 0; b < n; b++) {
    const o = b * size;
    let [e0, y0, e1, y1] = [0, 0, 0, 0];
    for (let i = 0; i < S; i++)
      for (let j = 0; j < S; j++) {
        const k = o + i * S + j;
        e0 += (pred[k] - target[k]) ** 2;
        y0 += target[k] ** 2;
        const [pi, pj] = grad(pred, o, i, j);
        const [ti, tj] = grad(target, o, i, j);
        e1 += (pi - ti) ** 2 + (pj - tj) ** 2;
        y1 += ti ** 2 + tj ** 2;
      }
    l2 += Math.sqrt(e0 / y0);
    h1 += Math.sqrt((e0 + e1) / (y0 + y1));
  }
  return { relL2: l2 / n, relH1: h1 / n };
}

/** The held-out predictions of `model`, batch by batch. */
async function predict(rt, model, inputs) {
  const [n] = inputs.shape;
  const size = S * S;
  const out = new Float32Array(n * size);
  for (let b = 0; b < n; b += BATCH) {
    const k = Math.min(BATCH, n - b);
    const x = rt.tensor(inputs.data.subarray(b * size, (b + k) * size), [k, 1, S, S]);
    const y = model.forward(x);
    out.set(await y.read(), b * size);
    x.destroy();
    y.destroy();
  }
  return out;
}

/** A model's trainer and evaluator, compiled before any clock starts. */
async function setup(name, model, lr, data) {
  const optimizer = new Adam(model.namedParameters(), { lr });
  const c0 = performance.now();
  const trainer = await Trainer.create({
    model,
    optimizer,
    ...data.train,
    batchSize: BATCH,
    seed: SEED,
  });
  const ev = Trainer.forEvaluation({ model, ...data.test, batchSize: BATCH });
  const compileS = (performance.now() - c0) / 1000;
  return { name, model, trainer, ev, compileS, trained: 0, wall: 0, cpu: 0, history: [] };
}

/** One epoch of `r`'s model on the clock, then its held-out score off the clock. */
async function epoch(r, data) {
  const [w0, c0] = [performance.now(), process.cpuUsage()];
  const { losses } = await r.trainer.fit(1);
  const cpu = process.cpuUsage(c0);
  r.wall += (performance.now() - w0) / 1000;
  r.cpu += (cpu.user + cpu.system) / 1e6;
  r.trained = arg.clock === 'cpu' ? r.cpu : r.wall;
  const test = (await r.ev.evaluate(data.test.inputs, data.test.targets)).relL2;
  const train = losses.at(-1) / BATCH;
  const e = {
    epoch: r.trainer.epoch,
    cpuS: +r.cpu.toFixed(1),
    wallS: +r.wall.toFixed(1),
    train,
    test,
  };
  r.history.push({ ...e, elapsedS: +elapsed().toFixed(1) });
  log(
    `${r.name} epoch ${e.epoch}: train ${train.toFixed(4)} test ${test.toFixed(4)} (${e.cpuS} CPU s, ${e.wallS} s wall on the clock)`,
  );
}

/** The training set's mean field scored on the held-out set: the no-learning baseline. */
function meanBaseline(data) {
  const size = S * S;
  const mean = new Float64Array(size);
  const y = data.train.targets.data;
  for (let k = 0; k < y.length; k++) mean[k % size] += y[k] / N_TRAIN;
  const pred = new Float32Array(N_TEST * size).map((_, k) => mean[k % size]);
  return relErrors(pred, data.test.targets.data, N_TEST);
}

function summary(r) {
  const { compileS, cpu: cpuS, wall: wallS, history, model } = r;
  const last = history.at(-1);
  return {
    parameters: count(model),
    lr: r.lr,
    config: r.config,
    compileS,
    epochs: r.trainer.epoch,
    steps: r.trainer.epoch * Math.ceil(N_TRAIN / BATCH),
    cpuS,
    wallS,
    train: last?.train,
    test: last?.test,
    history,
  };
}

await mkdir(arg.out, { recursive: true });
const rt = await init(arg.kernels ? { kernels: arg.kernels } : {});
try {
  const data = split(await darcyData(rt));
  const baseline = meanBaseline(data);
  log(
    `baseline (training mean field): test relative L2 ${baseline.relL2.toFixed(4)}, H1 ${baseline.relH1.toFixed(4)}`,
  );
  const mg = new MgNO(rt, mgnoConfig());
  const fnoCfg = fnoConfig(rt, count(mg));
  const models = {
    mgno: { model: mg, config: mg.config, lr: num('lr-mgno') },
    fno: { model: new FNO(rt, fnoCfg), config: fnoCfg, lr: num('lr-fno') },
  };
  const results = { s: S, nTrain: N_TRAIN, nTest: N_TEST, budgetS: BUDGET, clock: arg.clock };
  Object.assign(results, { batchSize: BATCH, baseline, models: {} });
  const runs = [];
  for (const name of arg.models.split(',').filter(Boolean)) {
    const { model, config, lr } = models[name];
    log(`${name}: ${count(model)} parameters, lr ${lr}, ${JSON.stringify(config)}`);
    runs.push({ ...(await setup(name, model, lr, data)), config, lr });
  }
  const save = () => writeFile(join(arg.out, 'results.json'), JSON.stringify(results, null, 1));
  // The machine is shared: epochs alternate (the model with less time on the clock goes next),
  // so that both models train under the same background load.
  for (;;) {
    const next = runs.filter((r) => r.trained < BUDGET).sort((a, b) => a.trained - b.trained)[0];
    if (!next) break;
    await epoch(next, data);
    for (const r of runs) results.models[r.name] = summary(r);
    await save();
  }
  for (const r of runs) {
    const errors = relErrors(
      await predict(rt, r.model, data.test.inputs),
      data.test.targets.data,
      N_TEST,
    );
    Object.assign(results.models[r.name], { final: errors });
    const m = results.models[r.name];
    log(
      `${r.name}: ${m.parameters} parameters, ${m.epochs} epochs (${m.steps} steps) in ${m.cpuS.toFixed(0)} CPU s (${m.wallS.toFixed(0)} s wall), test relative L2 ${errors.relL2.toFixed(4)}, H1 ${errors.relH1.toFixed(4)}`,
    );
  }
  await save();
} finally {
  rt.destroy();
}
