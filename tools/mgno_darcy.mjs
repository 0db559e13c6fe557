// MgNO vs FNO on Darcy flow with piecewise-constant coefficients (wgno's own solver and data,
// src/pde/darcy_dataset.ts: a = 12 / 3 thresholded from a Neumann GRF, u = 0 on the boundary),
// at matched parameter counts and an equal training budget per model on this machine.
// Results and the reasoning behind the choices: docs/mgno.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js (or WGNO_DIST=/path/wgno.js)
//   nice -n 10 node tools/mgno_darcy.mjs --out /tmp/mgno-darcy [--s 64] [--budget 900]
//
// Both models see the same normalised input (a - 7.5) / 4.5 as one channel on the s x s node grid
// and predict u / uScale; training minimises and evaluation reports the Trainer's relative L2
// (neuraloperator's LpLoss per sample), which does not depend on uScale.
// The budget counts training steps only (each model's pipelines are compiled before its clock
// starts), in CPU seconds of this process by default (--clock cpu: Dawn's SwiftShader threads
// included; on a machine shared with other jobs that is what a model costs, where elapsed time
// mostly measures the others) or in elapsed seconds (--clock wall). The models' epochs alternate
// (the one with less time used goes next), so both train under the same background load. After
// every epoch the held-out set is scored off the clock; the last epoch's score is the result.
// MgNO's Darcy data has a Dirichlet boundary, hence paddingMode 'zeros' (MgNO_DC as the authors
// train it). The FNO is neuraloperator's (grid embedding, no domain padding), its width chosen so
// that its parameter count is the closest to MgNO's.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const dist = process.env.WGNO_DIST ?? '../dist/wgno.js';
const wgno = await import(new URL(dist, import.meta.url).href);
const { init, generateDarcy, writeDarcyDataset, readSafetensors, MgNO, FNO, Trainer, Adam } = wgno;

const { values: arg } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/mgno-darcy' },
    models: { type: 'string', default: 'mgno,fno' },
    s: { type: 'string', default: '64' },
    'n-train': { type: 'string', default: '256' },
    'n-test': { type: 'string', default: '64' },
    budget: { type: 'string', default: '900' },
    clock: { type: 'string', default: 'cpu' },
    'batch-size': { type: 'string', default: '8' },
    'mgno-channels': { type: 'string', default: '24' },
    'mgno-layers': { type: 'string', default: '4' },
    'fno-modes': { type: 'string', default: '12' },
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
const log = (...a) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s]`, ...a);

/** MgNO_DC with 1 pre-smoothing step per level, 2 on the coarsest, levels down to 4 x 4. */
function mgnoConfig() {
  const levels = Math.max(1, Math.log2(S / 4) + 1);
  if (!Number.isInteger(levels)) throw new Error(`--s ${S} must be 4 times a power of 2`);
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

/** The FNO width whose parameter count is closest to `target` (4 layers, nModes m x m). */
function fnoConfig(rt, target) {
  const m = num('fno-modes');
  const make = (h) => ({
    nModes: [m, m],
    inChannels: 1,
    outChannels: 1,
    hiddenChannels: h,
    nLayers: 4,
    seed: SEED,
  });
  let best = null;
  for (let h = 4; h <= 96; h += 2) {
    const n = count(new FNO(rt, make(h)));
    if (!best || Math.abs(n - target) < Math.abs(best.n - target)) best = { h, n };
    if (n > target) break;
  }
  return make(best.h);
}

/** The data set: read from `out`/data.safetensors when present (same options), else generated. */
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
  const uScale = ds.sol.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
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
  return {
    name,
    trainer,
    ev,
    compileS: (performance.now() - c0) / 1000,
    trained: 0,
    wall: 0,
    cpu: 0,
    history: [],
  };
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
  r.history.push({
    epoch: r.trainer.epoch,
    cpuS: +r.cpu.toFixed(1),
    wallS: +r.wall.toFixed(1),
    train,
    test,
  });
  log(
    `${r.name} epoch ${r.trainer.epoch}: train ${train.toFixed(4)} test ${test.toFixed(4)} (${r.cpu.toFixed(0)} CPU s, ${r.wall.toFixed(0)} s wall)`,
  );
}

await mkdir(arg.out, { recursive: true });
const rt = await init(arg.kernels ? { kernels: arg.kernels } : {});
try {
  const data = split(await darcyData(rt));
  const mg = new MgNO(rt, mgnoConfig());
  const fnoCfg = fnoConfig(rt, count(mg));
  const models = {
    mgno: { model: mg, config: mg.config, lr: num('lr-mgno') },
    fno: { model: new FNO(rt, fnoCfg), config: fnoCfg, lr: num('lr-fno') },
  };
  const results = {
    s: S,
    nTrain: N_TRAIN,
    nTest: N_TEST,
    budgetS: BUDGET,
    clock: arg.clock,
    batchSize: BATCH,
    models: {},
  };
  const runs = [];
  for (const name of arg.models.split(',')) {
    const { model, config, lr } = models[name];
    log(`${name}: ${count(model)} parameters, lr ${lr}, ${JSON.stringify(config)}`);
    runs.push(await setup(name, model, lr, data));
  }
  // The machine is shared: epochs alternate (the model with less time on the clock goes next),
  // so that both models train under the same background load.
  for (;;) {
    const next = runs.filter((r) => r.trained < BUDGET).sort((a, b) => a.trained - b.trained)[0];
    if (!next) break;
    await epoch(next, data);
    for (const r of runs) {
      const { config, lr, model } = models[r.name];
      const { compileS, cpu: cpuS, wall: wallS, history } = r;
      results.models[r.name] = {
        parameters: count(model),
        lr,
        config,
        compileS,
        epochs: r.trainer.epoch,
        cpuS,
        wallS,
        test: history.at(-1)?.test,
        history,
      };
    }
    await writeFile(join(arg.out, 'results.json'), JSON.stringify(results, null, 1));
  }
  for (const [name, r] of Object.entries(results.models))
    log(
      `${name}: ${r.parameters} parameters, ${r.epochs} epochs in ${r.cpuS.toFixed(0)} CPU s (${r.wallS.toFixed(0)} s wall), test relative L2 ${r.test.toFixed(4)}`,
    );
} finally {
  rt.destroy();
}
