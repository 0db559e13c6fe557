// Evolving a DeepONet on the antiderivative operator (DeepXDE's aligned example, src/pde/
// antiderivative.ts) with the GA of Such et al. 2017 and OpenAI-ES, against Adam at the same
// number of model evaluations. One evaluation = one network's forward pass over the training set
// (150 functions x 100 points): a GA or ES generation costs P of them, an Adam iteration one
// (plus its backward pass, which this count leaves out and the seconds include).
// DeepONetCartesianProd branch [100, 40, 40], trunk [1, 40, 40], ReLU; the populations are
// PopulationDeepONet (Philox Glorot-normal init), Adam trains DeepONetCartesianProd (Glorot normal),
// lr 1e-3, full batch. Fitness = -MSE on the training set (the same every generation). Test:
// DeepXDE's mean relative L2 on held-out functions of the GA's elite, ES's theta, Adam's net.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js (or WGNO_DIST=...)
//   nice -n 12 node tools/experiments/evolve_deeponet.mjs --algo all --population 100 --generations 40 --out evolve.json
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const wgno = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { init, DeepONetCartesianProd, PopulationDeepONet, GeneticAlgorithm, OpenAIES } = wgno;
const { antiderivativeData, Adam, Rng, mean, neg, square, sub } = wgno;

const { values: arg } = parseArgs({
  options: {
    algo: { type: 'string', default: 'all' }, // ga | es | adam | all
    population: { type: 'string', default: '100' },
    generations: { type: 'string', default: '40' },
    checkpoints: { type: 'string', default: '10' },
    train: { type: 'string', default: '150' },
    test: { type: 'string', default: '200' },
    'ga-sigma': { type: 'string', default: '0.01' },
    truncation: { type: 'string', default: '10' },
    'es-sigma': { type: 'string', default: '0.02' },
    'es-lr': { type: 'string', default: '0.01' },
    lr: { type: 'string', default: '0.001' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'evolve_deeponet.json' },
  },
});
const num = (k) => Number(arg[k]);
const [P, G, CK, NTR, NTE, SEED] = [
  'population',
  'generations',
  'checkpoints',
  'train',
  'test',
  'seed',
].map(num);
const EVALS = P * G;
const algos = arg.algo === 'all' ? ['ga', 'es', 'adam'] : arg.algo.split(',');

const t0 = performance.now();
const secs = () => (performance.now() - t0) / 1000;
const log = (...a) => console.log(`[${secs().toFixed(1)} s]`, ...a);

const rt = await init();
const train = antiderivativeData(new Rng(SEED), { count: NTR });
const test = antiderivativeData(new Rng(SEED + 1), { count: NTE });
const m = train.x.length;
const net = { branch: [m, 40, 40], trunk: [1, 40, 40], activation: 'relu' };
const x = rt.tensor(train.x, [m, 1]);
const v = rt.tensor(train.v, [NTR, m]);
const u = rt.tensor(train.u, [1, NTR, m]);
const vTest = rt.tensor(test.v, [NTE, m]);

/** DeepXDE's "mean l2 relative error": the mean over functions of ||pred - u|| / ||u||. */
function meanRelL2(pred, truth) {
  let total = 0;
  for (let s = 0; s < NTE; s++) {
    let [a, b] = [0, 0];
    for (let i = s * m; i < (s + 1) * m; i++) {
      a += (pred[i] - truth[i]) ** 2;
      b += truth[i] ** 2;
    }
    total += Math.sqrt(a / b);
  }
  return total / NTE;
}

// One network (a population of one) that scores a flat parameter vector on the test set.
const probe = new PopulationDeepONet(rt, { ...net, population: 1 });
const probePred = probe.forward(vTest, x);
const probeStep = await rt.compile({ outputs: [probePred] });
async function testError(slices) {
  probe.parameters().forEach((t, k) => t.write(slices[k]));
  probeStep.run();
  return meanRelL2(await probePred.read(), test.u);
}
/** Member i's parameters of a population, one array per layout slot. */
const memberSlices = async (pop, i) =>
  Promise.all(
    pop.parameters().map(async (t, k) => {
      const { size } = pop.layout[k];
      return (await t.read()).slice(i * size, (i + 1) * size);
    }),
  );

const results = { benchmark: 'evolve DeepONet on the antiderivative', args: arg, evals: EVALS };
const save = () => writeFileSync(arg.out, JSON.stringify(results, null, 2));
const every = Math.max(1, Math.floor(G / CK));

async function runEvolution(name) {
  const pop = new PopulationDeepONet(rt, { ...net, population: P, seed: SEED });
  const fitness = () => neg(mean(square(sub(pop.forward(v, x), u)), [1, 2]));
  const algo =
    name === 'ga'
      ? new GeneticAlgorithm(pop, fitness, {
          truncation: num('truncation'),
          elites: 1,
          sigma: num('ga-sigma'),
          seed: SEED,
        })
      : new OpenAIES(pop, fitness, { sigma: num('es-sigma'), lr: num('es-lr'), seed: SEED });
  const history = [];
  results[name] = history;
  const start = performance.now();
  for (let g = 0; g < G; g++) {
    const gen = await algo.generation();
    if ((g + 1) % every && g + 1 !== G) continue;
    const seconds = (performance.now() - start) / 1000;
    // GA: the elite (member 0 after the update is the best of this generation); ES: theta.
    const slices =
      name === 'ga'
        ? await memberSlices(pop, 0)
        : await Promise.all(algo.theta.map((t) => t.read()));
    const bestMse = -gen.best;
    const err = await testError(slices);
    history.push({
      generation: g + 1,
      evals: (g + 1) * P,
      bestTrainMse: bestMse,
      meanTrainMse: -gen.mean,
      testRelL2: err,
      seconds,
    });
    log(
      `${name} generation ${g + 1} (${(g + 1) * P} evals): best train MSE ${bestMse.toExponential(3)}, mean ${(-gen.mean).toExponential(3)}, test rel L2 ${err.toFixed(4)} (${seconds.toFixed(0)} s)`,
    );
    save();
  }
}

async function runAdam() {
  const model = new DeepONetCartesianProd(rt, {
    ...net,
    kernelInitializer: 'Glorot normal',
    seed: SEED,
  });
  const loss = mean(square(sub(model.forward(v, x), u)));
  loss.backward();
  const opt = new Adam(model.namedParameters(), { lr: num('lr') });
  const step = await rt.compile({ outputs: [loss], updates: [opt] });
  const pred = model.forward(vTest, x);
  const evalStep = await rt.compile({ outputs: [pred] });
  const history = [];
  results.adam = history;
  const start = performance.now();
  const chunk = every * P;
  for (let it = 0; it < EVALS;) {
    const n = Math.min(chunk, EVALS - it);
    for (let k = 0; k < n; k++) step.run();
    it += n;
    const l = (await loss.read())[0];
    const seconds = (performance.now() - start) / 1000;
    evalStep.run();
    const err = meanRelL2(await pred.read(), test.u);
    history.push({ iteration: it, evals: it, trainMse: l, testRelL2: err, seconds });
    log(
      `adam iteration ${it}: train MSE ${l.toExponential(3)}, test rel L2 ${err.toFixed(4)} (${seconds.toFixed(0)} s)`,
    );
    save();
  }
}

log(`${algos.join(', ')}: population ${P}, ${G} generations = ${EVALS} evaluations each`);
for (const a of algos) await (a === 'adam' ? runAdam() : runEvolution(a));
rt.destroy();
