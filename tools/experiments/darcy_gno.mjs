// Darcy flow on irregular point clouds: trains a GNO and a GINO with wgno's Trainer, writes one
// run folder per model (log.csv in `wgno train`'s format, weights.safetensors, config.json,
// results.json), then scores both at other point densities (new seeded clouds, same radii).
// Results and the reasoning behind the choices: docs/darcy-gno.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js
//   node tools/experiments/darcy_gno.mjs --out /tmp/darcy-gno [--epochs 15] [--models gno,gino]
//
// Conventions: fields are [n, s, s] node grids (src/pde/darcy_dataset.ts). The input at each
// point is (normalised a, 2x - 1, 2y - 1), point-major [n, points, 3]; targets are u / uScale as
// [n, points, 1], and the Trainer's layout 'channels-last' makes its relative L2 a norm over the
// points per sample (read channels-first, the single channel would be the spatial axis). Relative
// L2 is invariant to the global scale uScale, so the reported errors are errors of u itself.
import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  init,
  generateDarcy,
  samplePointCloud,
  radiusNeighborhoods,
  GNO,
  GINO,
  Trainer,
  Adam,
  StepLR,
  writeSafetensors,
} from '../../dist/wgno.js';

const { values: arg } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/darcy' },
    models: { type: 'string', default: 'gno,gino' },
    s: { type: 'string', default: '33' },
    'n-train': { type: 'string', default: '120' },
    'n-test': { type: 'string', default: '30' },
    points: { type: 'string', default: '300' },
    'eval-points': { type: 'string', default: '600,150,300' },
    radius: { type: 'string', default: '0.12' },
    epochs: { type: 'string', default: '15' },
    'batch-size': { type: 'string', default: '10' },
    lr: { type: 'string', default: '0.005' },
    seed: { type: 'string', default: '0' },
  },
});
const num = (k) => Number(arg[k]);
const S = num('s');
const [N_TRAIN, N_TEST, N_PTS, EPOCHS, BATCH] = [
  'n-train',
  'n-test',
  'points',
  'epochs',
  'batch-size',
].map(num);
const RADIUS = num('radius');
const LR = num('lr');
const SEED = num('seed');
const EVAL_PTS = arg['eval-points'].split(',').map(Number);
const CLOUD_SEED = 100; // training cloud; evaluation clouds use 101, 102, ...
const LATENT = 16; // GINO latent grid LATENT x LATENT on [0, 1]^2

const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
const log = (...a) => console.log(`[${secs()} s]`, ...a);

/** Inputs [n, count, 3] = (normalised a, x, y) and targets [n, count, 1] at one seeded cloud. */
function cloudData(ds, count, seed, uScale) {
  const a = samplePointCloud(ds.coeff, count, seed, { mode: 'nodes' });
  const u = samplePointCloud(ds.sol, count, seed, { mode: 'nodes' });
  const n = ds.coeff.shape[0];
  const pts = a.points.data;
  const x = new Float32Array(n * count * 3);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < count; p++) {
      const k = 3 * (b * count + p);
      x[k] = (a.values.data[b * count + p] - 7.5) / 4.5; // a in {3, 12} -> {-1, 1}
      x[k + 1] = 2 * pts[2 * p] - 1; // centred coordinates: the pointwise path learns much faster
      x[k + 2] = 2 * pts[2 * p + 1] - 1;
    }
  const y = u.values.data.map((v) => v / uScale);
  return {
    points: pts,
    count,
    inputs: { data: x, shape: [n, count, 3] },
    targets: { data: y, shape: [n, count, 1] },
  };
}

function latentGrid() {
  const g = new Float32Array(LATENT * LATENT * 2);
  for (let i = 0; i < LATENT; i++)
    for (let j = 0; j < LATENT; j++) {
      g[2 * (i * LATENT + j)] = i / (LATENT - 1);
      g[2 * (i * LATENT + j) + 1] = j / (LATENT - 1);
    }
  return g;
}

const pts = (coords) => ({ coords, dim: 2 });

/** A TrainableModel over one cloud: the GNO with that cloud's radius graph closed over. */
async function gnoAdapter(rt, model, cloud) {
  const nb = await radiusNeighborhoods(rt, pts(cloud.points), pts(cloud.points), RADIUS);
  return {
    nb,
    forward: (x) => model.forward({ points: cloud.points, f: x, neighbors: nb }),
    namedParameters: () => model.namedParameters(),
  };
}

/** The GINO from one cloud (input and output queries) through the latent grid. */
async function ginoAdapter(rt, model, cloud) {
  const grid = latentGrid();
  const { inGnoRadius, outGnoRadius } = model.config;
  const inNb = await radiusNeighborhoods(rt, pts(grid), pts(cloud.points), inGnoRadius);
  const outNb = await radiusNeighborhoods(rt, pts(cloud.points), pts(grid), outGnoRadius);
  return {
    nb: { destroy: () => (inNb.destroy(), outNb.destroy()) },
    forward: (x) =>
      model.forward({
        inputGeom: cloud.points,
        latentQueries: grid,
        latentShape: [LATENT, LATENT],
        outputQueries: cloud.points,
        x,
        inNeighbors: inNb,
        outNeighbors: outNb,
      }),
    namedParameters: () => model.namedParameters(),
  };
}

const MODELS = {
  gno: {
    config: {
      inChannels: 3,
      outChannels: 1,
      hiddenChannels: 32,
      coordDim: 2,
      radius: RADIUS,
      nLayers: 4,
      reduction: 'mean',
      transformType: 'linear',
      kernelMlpLayers: [32, 32],
      seed: SEED,
    },
    make: (rt, cfg) => new GNO(rt, cfg),
    adapter: gnoAdapter,
  },
  gino: {
    config: {
      inChannels: 3,
      outChannels: 1,
      gnoCoordDim: 2,
      inGnoRadius: RADIUS,
      outGnoRadius: 0.1,
      fnoInChannels: 3,
      fnoNModes: [8, 8],
      fnoHiddenChannels: 16,
      fnoNLayers: 4,
      gnoEmbedChannels: 8,
      inGnoChannelMlpHiddenLayers: [32, 32],
      outGnoChannelMlpHiddenLayers: [32, 32],
      projectionChannelRatio: 2,
      seed: SEED,
    },
    make: (rt, cfg) => new GINO(rt, cfg),
    adapter: ginoAdapter,
  },
};

/** `EPOCHS` epochs, each followed by a test pass and a line of log.csv; returns seconds. */
async function trainLoop(name, dir, trainer, optimizer, test) {
  const logPath = join(dir, 'log.csv');
  await writeFile(logPath, 'epoch,train_rel_l2,test_rel_l2,lr,seconds\n');
  const start = performance.now();
  while (trainer.epoch < EPOCHS) {
    const lr = optimizer.lr;
    const { losses } = await trainer.fit(1);
    const testErr = (await trainer.evaluate(test.inputs, test.targets)).relL2;
    const s = ((performance.now() - start) / 1000).toFixed(1);
    const trainErr = losses.at(-1) / BATCH;
    await appendFile(logPath, `${trainer.epoch},${trainErr},${testErr},${lr},${s}\n`);
    log(
      `${name} epoch ${trainer.epoch}: train ${trainErr.toFixed(4)}, test ${testErr.toFixed(4)}, lr ${lr}, ${s} s`,
    );
  }
  return (performance.now() - start) / 1000;
}

/** The trained model's test error on another cloud: a new radius search, the same weights. */
async function scoreCloud(rt, name, model, opts, cloud) {
  const a = await MODELS[name].adapter(rt, model, cloud);
  const ev = Trainer.forEvaluation({
    ...opts,
    model: a,
    inputs: cloud.inputs,
    targets: cloud.targets,
  });
  const relL2 = (await ev.evaluate(cloud.inputs, cloud.targets)).relL2;
  log(
    `${name} at ${cloud.count} points (cloud seed ${cloud.seed}): test rel. L2 ${relL2.toFixed(4)}`,
  );
  ev.destroy();
  a.nb.destroy();
  return { points: cloud.count, cloud: `new cloud (seed ${cloud.seed})`, relL2 };
}

async function trainOne(rt, name, train, test, evalClouds, meta) {
  const spec = MODELS[name];
  const dir = join(arg.out, name);
  await mkdir(dir, { recursive: true });
  const model = spec.make(rt, spec.config);
  const nParams = model.namedParameters().reduce((a, [, t]) => a + t.size, 0);
  const adapter = await spec.adapter(rt, model, train);
  const optimizer = new Adam(model.namedParameters(), { lr: LR, weightDecay: 1e-4 });
  const scheduler = new StepLR(optimizer, {
    stepSize: Math.max(1, Math.round(EPOCHS / 3)),
    gamma: 0.5,
  });
  const opts = {
    model: adapter,
    optimizer,
    scheduler,
    inputs: train.inputs,
    targets: train.targets,
    batchSize: BATCH,
    seed: SEED,
    layout: 'channels-last', // model outputs and targets are [n, points, 1]
  };
  const trainer = await Trainer.create(opts);
  await writeFile(
    join(dir, 'config.json'),
    `${JSON.stringify({ model: name.toUpperCase(), config: spec.config, parameters: nParams, ...meta }, null, 2)}\n`,
  );
  log(`${name}: ${nParams} parameters, ${trainer.stepsPerEpoch} steps per epoch, ${EPOCHS} epochs`);
  const trainSeconds = await trainLoop(name, dir, trainer, optimizer, test);
  await writeFile(join(dir, 'weights.safetensors'), writeSafetensors(await model.stateDict()));
  const results = [
    {
      points: train.count,
      cloud: 'training cloud',
      relL2: (await trainer.evaluate(test.inputs, test.targets)).relL2,
    },
  ];
  trainer.destroy();
  for (const cloud of evalClouds) results.push(await scoreCloud(rt, name, model, opts, cloud));
  adapter.nb.destroy();
  await writeFile(
    join(dir, 'results.json'),
    `${JSON.stringify({ trainSeconds, results }, null, 2)}\n`,
  );
  return { name, nParams, trainSeconds, results };
}

const rt = await init();
try {
  log(`adapter: ${rt.adapterInfo.architecture}`);
  const ds = await generateDarcy(rt, { n: N_TRAIN + N_TEST, s: S, seed: SEED, batch: 30 });
  log(
    `Darcy: ${N_TRAIN + N_TEST} samples at ${S}x${S}, CG iterations ${Math.min(...ds.iterations)}..${Math.max(...ds.iterations)}, max residual ${Math.max(...ds.residual).toExponential(2)}`,
  );
  const split = (t, lo, hi) => {
    const plane = S * S;
    return { dtype: 'f32', shape: [hi - lo, S, S], data: t.data.slice(lo * plane, hi * plane) };
  };
  const trainDs = { coeff: split(ds.coeff, 0, N_TRAIN), sol: split(ds.sol, 0, N_TRAIN) };
  const testDs = {
    coeff: split(ds.coeff, N_TRAIN, N_TRAIN + N_TEST),
    sol: split(ds.sol, N_TRAIN, N_TRAIN + N_TEST),
  };
  const uScale = trainDs.sol.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const train = cloudData(trainDs, N_PTS, CLOUD_SEED, uScale);
  const test = cloudData(testDs, N_PTS, CLOUD_SEED, uScale);
  const evalClouds = EVAL_PTS.map((c, i) => ({
    ...cloudData(testDs, c, CLOUD_SEED + 1 + i, uScale),
    seed: CLOUD_SEED + 1 + i,
  }));
  const meta = {
    s: S,
    nTrain: N_TRAIN,
    nTest: N_TEST,
    points: N_PTS,
    cloudSeed: CLOUD_SEED,
    dataSeed: SEED,
    uScale,
    epochs: EPOCHS,
    batchSize: BATCH,
    lr: LR,
    weightDecay: 1e-4,
    input: '(a - 7.5) / 4.5, 2x - 1, 2y - 1',
    target: 'u / uScale',
  };
  const summary = [];
  for (const name of arg.models.split(','))
    summary.push(await trainOne(rt, name, train, test, evalClouds, meta));
  console.log('\nSummary (test relative L2 on the held-out samples)');
  for (const r of summary) {
    console.log(`${r.name}: ${r.nParams} parameters, trained in ${r.trainSeconds.toFixed(0)} s`);
    for (const e of r.results)
      console.log(`  ${String(e.points).padStart(4)} points, ${e.cloud}: ${e.relL2.toFixed(4)}`);
  }
  log('done');
} finally {
  rt.destroy();
}
