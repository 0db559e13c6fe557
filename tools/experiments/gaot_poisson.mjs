// Poisson -lap u = f (sum-of-Gaussians sources, u = 0 on the boundary) on random point clouds:
// GAOT vs GINO vs GNO trained for the same CPU time on this machine, then scored on held-out
// samples at the training cloud, at a new cloud of the same density, and at clouds of half and
// twice the points. Metrics per sample: relative L1 and relative L2 of u; the table gives medians.
// Writes <out>/<model>/{log.csv, config.json, weights.safetensors, results.json} and
// <out>/summary.json. Results and choices: docs/gaot.md ("Benchmark").
//
//   node_modules/.bin/vite build --logLevel error --outDir /tmp/gp/dist
//   node tools/experiments/gaot_poisson.mjs --dist /tmp/gp/dist/wgno.js --out /tmp/gp/run \
//     [--models gaot,gino,gno] [--budget 300]
//
// The budget is process CPU seconds (user + system, SwiftShader's threads included) spent in
// training steps, not wall time: the machine is shared and its load varies, CPU time is what each
// model actually got. Per-epoch test passes are outside the budget. The learning rate follows a
// linear warm-up (the first --warmup of the budget, default 5 %) then a cosine from --lr to
// --lr / 10, set once per epoch at the epoch's expected midpoint (budget fraction).
//
// Inputs per point: (f / fScale, 2x - 1, 2y - 1), [n, points, 3]; targets u / uScale, [n, points, 1]
// (Trainer layout 'channels-last'). GAOT gets its geometry as 2p - 1 in [-1, 1]; GNO and GINO get
// points in [0, 1]^2 as in tools/experiments/darcy_gno.mjs.
import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values: arg } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist/wgno.js' },
    out: { type: 'string', default: 'runs/gaot-poisson' },
    models: { type: 'string', default: 'gaot,gino,gno' },
    s: { type: 'string', default: '65' },
    'n-train': { type: 'string', default: '200' },
    'n-test': { type: 'string', default: '40' },
    points: { type: 'string', default: '512' },
    'eval-points': { type: 'string', default: '512,256,1024' },
    budget: { type: 'string', default: '300' },
    'batch-size': { type: 'string', default: '10' },
    lr: { type: 'string', default: '0.002' },
    warmup: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '0' },
  },
});
const wgno = await import(pathToFileURL(resolve(arg.dist)).href);
const { init, generatePoisson, poissonCloud, radiusNeighborhoods, GNO, GINO, Trainer, AdamW } =
  wgno;
const num = (k) => Number(arg[k]);
const [S, N_TRAIN, N_TEST, N_PTS, BATCH, BUDGET, LR, SEED] = [
  's',
  'n-train',
  'n-test',
  'points',
  'batch-size',
  'budget',
  'lr',
  'seed',
].map(num);
const EVAL_PTS = arg['eval-points'].split(',').map(Number);
const CLOUD_SEED = 100; // training cloud; evaluation clouds use 101, 102, ...
const LATENT = 16; // latent grid side of GINO and GAOT

const t0 = performance.now();
const log = (...a) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s]`, ...a);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Inputs [n, count, 3] and targets [n, count, 1] of one cloud. */
function cloudData(ds, count, seed, scales) {
  const c = poissonCloud(ds, count, seed);
  const n = ds.sources.length;
  const p = c.points.data;
  const x = new Float32Array(n * count * 3);
  for (let b = 0; b < n; b++)
    for (let q = 0; q < count; q++) {
      const k = 3 * (b * count + q);
      x[k] = c.f.data[b * count + q] / scales.f;
      x[k + 1] = 2 * p[2 * q] - 1;
      x[k + 2] = 2 * p[2 * q + 1] - 1;
    }
  return {
    count,
    seed,
    points: p,
    inputs: { data: x, shape: [n, count, 3] },
    targets: { data: c.u.data.map((v) => v / scales.u), shape: [n, count, 1] },
  };
}

function latentGrid() {
  const g = new Float32Array(LATENT * LATENT * 2);
  for (let i = 0; i < LATENT * LATENT; i++) {
    g[2 * i] = Math.floor(i / LATENT) / (LATENT - 1);
    g[2 * i + 1] = (i % LATENT) / (LATENT - 1);
  }
  return g;
}

const pts = (coords) => ({ coords, dim: 2 });

const MODELS = {
  gaot: {
    config: {
      inChannels: 3,
      outChannels: 1,
      latentTokens: [LATENT, LATENT],
      magno: { radius: 0.2, scales: [1], hiddenSize: 32, mlpLayers: 2, liftingChannels: 16 },
      transformer: { patchSize: 2, hiddenSize: 64, numLayers: 3, numHeads: 4, ffnMultiplier: 2 },
      seed: SEED,
    },
    make: (rt, cfg) => new wgno.GAOT(rt, cfg),
    async adapter(rt, model, cloud) {
      const geometry = await model.prepare(cloud.points.map((v) => 2 * v - 1));
      return {
        forward: (f) => model.forward({ geometry, f }),
        namedParameters: () => model.namedParameters(),
        destroy: () => geometry.destroy(),
      };
    },
  },
  gino: {
    config: {
      inChannels: 3,
      outChannels: 1,
      gnoCoordDim: 2,
      inGnoRadius: 0.1,
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
    async adapter(rt, model, cloud) {
      const grid = latentGrid();
      const { inGnoRadius, outGnoRadius } = model.config;
      const inNb = await radiusNeighborhoods(rt, pts(grid), pts(cloud.points), inGnoRadius);
      const outNb = await radiusNeighborhoods(rt, pts(cloud.points), pts(grid), outGnoRadius);
      return {
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
        destroy: () => (inNb.destroy(), outNb.destroy()),
      };
    },
  },
  gno: {
    config: {
      inChannels: 3,
      outChannels: 1,
      hiddenChannels: 32,
      coordDim: 2,
      radius: 0.1,
      nLayers: 4,
      reduction: 'mean',
      transformType: 'linear',
      kernelMlpLayers: [32, 32],
      seed: SEED,
    },
    make: (rt, cfg) => new GNO(rt, cfg),
    async adapter(rt, model, cloud) {
      const nb = await radiusNeighborhoods(rt, pts(cloud.points), pts(cloud.points), 0.1);
      return {
        forward: (x) => model.forward({ points: cloud.points, f: x, neighbors: nb }),
        namedParameters: () => model.namedParameters(),
        destroy: () => nb.destroy(),
      };
    },
  },
};

/** Warm-up (a fraction --warmup of the budget) then cosine, by the budget fraction used. */
function lrAt(frac) {
  const warm = Number(arg.warmup);
  if (frac < warm) return LR * Math.max(frac / warm, 0.1);
  const t = Math.min((frac - warm) / (1 - warm), 1);
  return LR / 10 + (LR - LR / 10) * 0.5 * (1 + Math.cos(Math.PI * t));
}

/** Epochs until the CPU budget is spent (the next epoch would not fit); returns the stats. */
async function trainLoop(name, dir, trainer, optimizer, test) {
  const logPath = join(dir, 'log.csv');
  await writeFile(logPath, 'epoch,train_rel_l2,test_rel_l2,lr,cpu_seconds,wall_seconds\n');
  let [cpu, wall, last] = [0, 0, 0];
  while (cpu + last <= BUDGET) {
    optimizer.lr = lrAt((cpu + last / 2) / BUDGET); // at the epoch's expected midpoint
    const [c0, w0] = [cpuSeconds(), performance.now()];
    const { losses } = await trainer.fit(1);
    last = cpuSeconds() - c0;
    cpu += last;
    wall += (performance.now() - w0) / 1000;
    const testErr = (await trainer.evaluate(test.inputs, test.targets)).relL2;
    const trainErr = losses.reduce((a, v) => a + v, 0) / losses.length / BATCH;
    const row = [trainer.epoch, trainErr, testErr, optimizer.lr, cpu.toFixed(1), wall.toFixed(1)];
    await appendFile(logPath, `${row.join(',')}\n`);
    log(
      `${name} epoch ${trainer.epoch}: train ${trainErr.toFixed(4)}, test ${testErr.toFixed(4)}, lr ${optimizer.lr.toExponential(2)}, cpu ${cpu.toFixed(0)} s, wall ${wall.toFixed(0)} s`,
    );
  }
  return { epochs: trainer.epoch, cpuSeconds: cpu, wallSeconds: wall };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per-sample relative L1 and L2 of the model's predictions on one cloud (batches of BATCH). */
async function score(rt, spec, model, cloud) {
  const a = await spec.adapter(rt, model, cloud);
  const [n, count] = cloud.inputs.shape;
  const [l1, l2] = [[], []];
  for (let b0 = 0; b0 < n; b0 += BATCH) {
    const b = Math.min(BATCH, n - b0);
    const xs = cloud.inputs.data.subarray(b0 * count * 3, (b0 + b) * count * 3);
    const x = rt.tensor(xs, [b, count, 3]);
    const y = await a.forward(x).read();
    x.destroy();
    for (let k = 0; k < b; k++) {
      const t = cloud.targets.data.subarray((b0 + k) * count, (b0 + k + 1) * count);
      let [e1, n1, e2, n2] = [0, 0, 0, 0];
      for (let q = 0; q < count; q++) {
        const d = y[k * count + q] - t[q];
        [e1, n1, e2, n2] = [e1 + Math.abs(d), n1 + Math.abs(t[q]), e2 + d * d, n2 + t[q] * t[q]];
      }
      l1.push(e1 / n1);
      l2.push(Math.sqrt(e2 / n2));
    }
  }
  a.destroy();
  return { medianRelL1: median(l1), medianRelL2: median(l2), relL1: l1, relL2: l2 };
}

async function trainOne(rt, name, train, test, evalClouds, meta) {
  const spec = MODELS[name];
  const dir = join(arg.out, name);
  await mkdir(dir, { recursive: true });
  const model = spec.make(rt, spec.config);
  const nParams = model.namedParameters().reduce((a, [, t]) => a + t.size, 0);
  const adapter = await spec.adapter(rt, model, train);
  const optimizer = new AdamW(model.namedParameters(), { lr: LR, weightDecay: 1e-5 });
  const trainer = await Trainer.create({
    model: adapter,
    optimizer,
    inputs: train.inputs,
    targets: train.targets,
    batchSize: BATCH,
    seed: SEED,
    layout: 'channels-last',
  });
  const config = { model: name.toUpperCase(), config: spec.config, parameters: nParams, ...meta };
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  log(`${name}: ${nParams} parameters, ${trainer.stepsPerEpoch} steps per epoch`);
  const stats = await trainLoop(name, dir, trainer, optimizer, test);
  trainer.destroy();
  adapter.destroy();
  await writeFile(join(dir, 'weights.safetensors'), wgno.writeSafetensors(await model.stateDict()));
  const results = [];
  for (const cloud of [{ ...test, label: 'training cloud' }, ...evalClouds]) {
    const r = await score(rt, spec, model, cloud);
    const label = cloud.label ?? `new cloud (seed ${cloud.seed})`;
    results.push({ points: cloud.count, cloud: label, ...r });
    log(
      `${name} at ${cloud.count} points, ${label}: median rel. L1 ${r.medianRelL1.toFixed(4)}, rel. L2 ${r.medianRelL2.toFixed(4)}`,
    );
  }
  await writeFile(join(dir, 'results.json'), `${JSON.stringify({ ...stats, results }, null, 2)}\n`);
  return { name, nParams, ...stats, results };
}

function table(summary) {
  const head = ['model', 'params', 'epochs', 'cpu s', 'wall s'];
  const cols = summary[0].results.map(
    (r) => `${r.points} ${r.cloud === 'training cloud' ? 'train cloud' : 'new'}`,
  );
  console.log(`\n| ${[...head, ...cols.map((c) => `${c} (L1 / L2)`)].join(' | ')} |`);
  for (const r of summary) {
    const cells = r.results.map((e) => `${e.medianRelL1.toFixed(3)} / ${e.medianRelL2.toFixed(3)}`);
    const row = [r.name, r.nParams, r.epochs, r.cpuSeconds.toFixed(0), r.wallSeconds.toFixed(0)];
    console.log(`| ${[...row, ...cells].join(' | ')} |`);
  }
}

const rt = await init();
try {
  log(`adapter: ${rt.adapterInfo.architecture}`);
  const ds = generatePoisson({ n: N_TRAIN + N_TEST, s: S, seed: SEED });
  const part = (lo, hi) => ({
    s: S,
    sources: ds.sources.slice(lo, hi),
    u: { dtype: 'f32', shape: [hi - lo, S, S], data: ds.u.data.slice(lo * S * S, hi * S * S) },
  });
  const [trainDs, testDs] = [part(0, N_TRAIN), part(N_TRAIN, N_TRAIN + N_TEST)];
  const raw = poissonCloud(trainDs, N_PTS, CLOUD_SEED);
  const maxAbs = (a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scales = { f: maxAbs(raw.f.data), u: maxAbs(raw.u.data) };
  log(`Poisson: ${N_TRAIN + N_TEST} samples on ${S}x${S}, fScale ${scales.f}, uScale ${scales.u}`);
  const train = cloudData(trainDs, N_PTS, CLOUD_SEED, scales);
  const test = cloudData(testDs, N_PTS, CLOUD_SEED, scales);
  const evalClouds = EVAL_PTS.map((c, i) => cloudData(testDs, c, CLOUD_SEED + 1 + i, scales));
  const meta = {
    problem: '-lap u = f on [0,1]^2, u = 0 on the boundary, sum-of-Gaussians f',
    s: S,
    nTrain: N_TRAIN,
    nTest: N_TEST,
    points: N_PTS,
    cloudSeed: CLOUD_SEED,
    dataSeed: SEED,
    fScale: scales.f,
    uScale: scales.u,
    latent: LATENT,
    budgetCpuSeconds: BUDGET,
    batchSize: BATCH,
    lr: LR,
    weightDecay: 1e-5,
    input: 'f / fScale, 2x - 1, 2y - 1',
    target: 'u / uScale',
  };
  const summary = [];
  for (const name of arg.models.split(',')) {
    summary.push(await trainOne(rt, name, train, test, evalClouds, meta));
    const light = summary.map((r) => ({
      ...r,
      results: r.results.map((e) => ({ ...e, relL1: undefined, relL2: undefined })),
    }));
    await writeFile(
      join(arg.out, 'summary.json'),
      `${JSON.stringify({ meta, models: light }, null, 2)}\n`,
    );
  }
  table(summary);
  log('done');
} finally {
  rt.destroy();
}
