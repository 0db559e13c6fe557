// The antiderivative operator G(v)(x) = integral_0^x v of the DeepONet paper, trained with
// DeepXDE's recipe (examples/operator/antiderivative_aligned.py): DeepONetCartesianProd with
// branch [100, 40, 40], trunk [1, 40, 40], ReLU, Glorot normal, Adam lr 1e-3, mean squared
// error, full batch (150 functions x 100 points), 10^4 iterations; scored by DeepXDE's "mean l2
// relative error" on 1000 held-out functions. Data: v from a GRF with RBF kernel, length scale
// 0.2 on [0, 1] (src/pde/antiderivative.ts). Results: docs/deeponet.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js
//   node tools/experiments/deeponet_antiderivative.mjs [--iterations 10000] [--out results.json]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  init,
  DeepONetCartesianProd,
  antiderivativeData,
  Adam,
  Rng,
  mean,
  square,
  sub,
} from '../../dist/wgno.js';

const { values: arg } = parseArgs({
  options: {
    iterations: { type: 'string', default: '10000' },
    train: { type: 'string', default: '150' },
    test: { type: 'string', default: '1000' },
    lr: { type: 'string', default: '0.001' },
    seed: { type: 'string', default: '0' },
    'eval-every': { type: 'string', default: '1000' },
    kernels: { type: 'string', default: 'auto' },
    out: { type: 'string' },
  },
});
const num = (k) => Number(arg[k]);
const [ITERS, N_TRAIN, N_TEST, LR, SEED, EVERY] = [
  'iterations',
  'train',
  'test',
  'lr',
  'seed',
  'eval-every',
].map(num);

const t0 = performance.now();
const secs = () => (performance.now() - t0) / 1000;
const log = (...a) => console.log(`[${secs().toFixed(1)} s]`, ...a);

/** DeepXDE's "mean l2 relative error": the mean over functions of ||pred - u|| / ||u||. */
function meanRelL2(pred, u, m) {
  let total = 0;
  for (let s = 0; s < u.length / m; s++) {
    let [num, den] = [0, 0];
    for (let i = s * m; i < (s + 1) * m; i++) {
      num += (pred[i] - u[i]) ** 2;
      den += u[i] ** 2;
    }
    total += Math.sqrt(num / den);
  }
  return total / (u.length / m);
}

const rt = await init({ kernels: arg.kernels });
const train = antiderivativeData(new Rng(SEED), { count: N_TRAIN });
const test = antiderivativeData(new Rng(SEED + 1), { count: N_TEST });
const m = train.x.length;
log(`data: ${N_TRAIN} train / ${N_TEST} test functions at ${m} points`);

const net = new DeepONetCartesianProd(rt, {
  branch: [m, 40, 40],
  trunk: [1, 40, 40],
  activation: 'relu',
  kernelInitializer: 'Glorot normal',
  seed: SEED,
});
const x = rt.tensor(train.x, [m, 1]);
const v = rt.tensor(train.v, [N_TRAIN, m]);
const u = rt.tensor(train.u, [N_TRAIN, m]);
const loss = mean(square(sub(net.forward(v, x), u)));
loss.backward();
const opt = new Adam(net.namedParameters(), { lr: LR });
const step = await rt.compile({ outputs: [loss], updates: [opt] });
const pred = net.forward(rt.tensor(test.v, [N_TEST, m]), x);
const evalStep = await rt.compile({ outputs: [pred] });

async function testError() {
  evalStep.run();
  return meanRelL2(await pred.read(), test.u, m);
}

const history = [];
let trainSeconds = 0;
for (let it = 0; it < ITERS;) {
  const chunk = Math.min(EVERY, ITERS - it);
  const start = performance.now();
  for (let k = 0; k < chunk; k++) step.run();
  const l = (await loss.read())[0];
  trainSeconds += (performance.now() - start) / 1000;
  it += chunk;
  const e = await testError();
  history.push({ iteration: it, loss: l, testRelL2: e, seconds: trainSeconds });
  log(`iteration ${it}: train MSE ${l.toExponential(3)}, test mean rel L2 ${e.toFixed(5)}`);
}
const final = history.at(-1);
const result = {
  benchmark: 'antiderivative (DeepONetCartesianProd, DeepXDE recipe)',
  iterations: ITERS,
  train: N_TRAIN,
  test: N_TEST,
  lr: LR,
  seed: SEED,
  kernels: arg.kernels,
  device: (({ vendor, architecture, description }) => ({ vendor, architecture, description }))(
    rt.adapterInfo,
  ),
  kernelPath: rt.target?.kernels ?? null,
  testRelL2: final.testRelL2,
  trainMse: final.loss,
  trainSeconds: final.seconds,
  msPerIteration: (1000 * final.seconds) / ITERS,
  history,
};
log(
  `final test mean rel L2 ${final.testRelL2.toFixed(5)} after ${ITERS} iterations, ${final.seconds.toFixed(1)} s of training (${result.msPerIteration.toFixed(2)} ms/iteration)`,
);
if (arg.out) await writeFile(arg.out, JSON.stringify(result, null, 2));
rt.destroy();
