// Physics-informed DeepONet for the forced pendulum theta'' + sin(theta) = v(t) on [0, 1] from
// rest, with no solution data: the loss is the mean squared ODE residual at the sensor times,
// theta'' by grad of grad w.r.t. the trunk input, theta = t^2 net(v, t) for the initial
// conditions. Scored by the mean relative L2 error against RK4 (src/pde/pendulum.ts) on held-out
// forcings (GRF, RBF kernel, length scale 0.2). --resample k draws fresh training forcings every
// k iterations (the operator then sees many functions). Results: docs/deeponet.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js
//   node tools/experiments/deeponet_pendulum.mjs [--iterations 2000] [--out results.json]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
const { init, DeepONet, pendulumData, grad, Adam, Rng, add, mul, sub, mean, sum, sin, square } =
  await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');

const { values: arg } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    train: { type: 'string', default: '64' },
    test: { type: 'string', default: '200' },
    sensors: { type: 'string', default: '20' },
    width: { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.002' },
    seed: { type: 'string', default: '0' },
    'eval-every': { type: 'string', default: '500' },
    resample: { type: 'string', default: '0' }, // fresh training forcings every k iterations (0: fixed)
    'lr-decay': { type: 'string', default: '1' }, // factor per --decay-every iterations
    'decay-every': { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});
const num = (k) => Number(arg[k]);
const [ITERS, N_TRAIN, N_TEST, M, W, LR, SEED, EVERY] = [
  'iterations',
  'train',
  'test',
  'sensors',
  'width',
  'lr',
  'seed',
  'eval-every',
].map(num);
const RESAMPLE = num('resample');
const t0 = performance.now();
const log = (...a) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s]`, ...a);

/** Aligned rows (function b, time i): branch input v_b, time t_i. */
function rows(d, count) {
  const xf = new Float32Array(count * M * M);
  for (let b = 0; b < count; b++)
    for (let i = 0; i < M; i++) xf.set(d.v.subarray(b * M, (b + 1) * M), (b * M + i) * M);
  return { xf, t: new Float32Array(count * M).map((_, r) => d.t[r % M]), n: count * M };
}

function meanRelL2(pred, ref) {
  let total = 0;
  for (let s = 0; s < ref.length / M; s++) {
    let [a, b] = [0, 0];
    for (let i = s * M; i < (s + 1) * M; i++)
      [a, b] = [a + (pred[i] - ref[i]) ** 2, b + ref[i] ** 2];
    total += Math.sqrt(a / b);
  }
  return total / (ref.length / M);
}

const rt = await init();
const trainData = pendulumData(new Rng(SEED), { count: N_TRAIN, sensors: M });
const testData = pendulumData(new Rng(SEED + 1), { count: N_TEST, sensors: M });
const net = new DeepONet(rt, {
  branch: [M, W, W],
  trunk: [1, W, W],
  activation: 'tanh',
  seed: SEED,
});
const tr = rows(trainData, N_TRAIN);
const t = rt.tensor(tr.t, [tr.n, 1], { requiresGrad: true });
const xfT = rt.tensor(tr.xf, [tr.n, M]);
const vT = rt.tensor(trainData.v, [tr.n, 1]);
const theta = mul(square(t), net.forward(xfT, t));
const [thT] = grad(sum(theta), [t]);
const [thTT] = grad(sum(thT), [t]);
const loss = mean(square(sub(add(thTT, sin(theta)), vT)));
loss.backward();
const opt = new Adam(net.namedParameters(), { lr: LR });
const step = await rt.compile({ outputs: [loss], updates: [opt] });
const sampleRng = new Rng(SEED + 7919);
const te = rows(testData, N_TEST);
const tt = rt.tensor(te.t, [te.n, 1]);
const pred = mul(square(tt), net.forward(rt.tensor(te.xf, [te.n, M]), tt));
const evalStep = await rt.compile({ outputs: [pred] });
log(`${N_TRAIN} train / ${N_TEST} test forcings at ${M} times; compiled`);

const history = [];
let seconds = 0;
for (let it = 0; it < ITERS;) {
  const chunk = Math.min(EVERY, ITERS - it);
  const start = performance.now();
  for (let k = 0; k < chunk; k++, it++) {
    if (RESAMPLE > 0 && it > 0 && it % RESAMPLE === 0) {
      const d = pendulumData(sampleRng, { count: N_TRAIN, sensors: M });
      xfT.write(rows(d, N_TRAIN).xf);
      vT.write(d.v);
    }
    if (it > 0 && it % num('decay-every') === 0) opt.lr *= num('lr-decay');
    step.run();
  }
  const l = (await loss.read())[0];
  seconds += (performance.now() - start) / 1000;
  evalStep.run();
  const e = meanRelL2(await pred.read(), testData.theta);
  history.push({ iteration: it, residualMse: l, testRelL2: e, seconds });
  log(`iteration ${it}: residual MSE ${l.toExponential(3)}, test mean rel L2 ${e.toFixed(5)}`);
}
const final = history.at(-1);
log(`final test mean rel L2 ${final.testRelL2.toFixed(5)}, ${seconds.toFixed(1)} s of training`);
if (arg.out)
  await writeFile(
    arg.out,
    JSON.stringify(
      {
        iterations: ITERS,
        train: N_TRAIN,
        test: N_TEST,
        sensors: M,
        width: W,
        lr: LR,
        seed: SEED,
        resample: RESAMPLE,
        lrDecay: num('lr-decay'),
        decayEvery: num('decay-every'),
        kernelPath: rt.target?.kernels,
        ...final,
        history,
      },
      null,
      2,
    ),
  );
rt.destroy();
