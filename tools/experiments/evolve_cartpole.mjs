// Neuroevolution on CartPole-v1, simulated on the GPU for the whole population at once
// (src/train/evolution/): the genetic algorithm of Such et al. 2017 and OpenAI-ES (Salimans et
// al. 2017), both evolving a 4-16-16-1 tanh policy (pushes right when its output is > 0). Each
// generation every member plays `episodes` episodes (max 500 steps, reward 1 per step alive);
// the fitness is the mean return. Prints, per algorithm, the first generation (and the seconds
// to it) at which the best member reaches the maximum return 500, and the first at which the
// population's mean return reaches 475 (CartPole-v1's "solved" threshold), where the run stops.
// Results: docs/neuroevolution.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js
//   node tools/experiments/evolve_cartpole.mjs [--algo ga|es|both] [--population 1000]
//     [--generations 50] [--episodes 1] [--seed 0] [--out results.json]
// WGNO_DIST=/path/to/wgno.js picks another build of the library.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const dist = process.env.WGNO_DIST
  ? pathToFileURL(process.env.WGNO_DIST).href
  : new URL('../../dist/wgno.js', import.meta.url).href;
const w = await import(dist);

const { values: arg } = parseArgs({
  options: {
    algo: { type: 'string', default: 'both' },
    population: { type: 'string', default: '1000' },
    generations: { type: 'string', default: '50' },
    episodes: { type: 'string', default: '1' },
    hidden: { type: 'string', default: '16' },
    'ga-sigma': { type: 'string', default: '0.1' },
    truncation: { type: 'string', default: '20' },
    'es-sigma': { type: 'string', default: '0.1' },
    lr: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '0' },
    kernels: { type: 'string', default: 'auto' },
    out: { type: 'string' },
  },
});
const num = (k) => Number(arg[k]);
const [P, GENS, EPISODES, H, SEED] = [
  'population',
  'generations',
  'episodes',
  'hidden',
  'seed',
].map(num);

const rt = await w.init({ kernels: arg.kernels });
const results = {};

/** Runs one algorithm until the best member's return is 500 or the generation budget ends. */
async function run(name, make) {
  const pop = new w.PopulationFNN(rt, {
    population: P,
    layerSizes: [4, H, H, 1],
    activation: 'tanh',
    seed: SEED,
  });
  const episodes = new w.RandomSeed(0);
  const fitness = () =>
    w.mean(w.cartpoleReturns(pop, { episodes: EPISODES, maxSteps: 500, seed: episodes }), 1);
  const algo = make(pop, fitness);
  const curve = [];
  let solvedAt = null;
  let meanAt = null;
  const t0 = performance.now();
  for (let g = 0; g < GENS; g++) {
    episodes.value = SEED * 100003 + g; // new start states every generation
    const gen = await algo.generation();
    const secs = (performance.now() - t0) / 1000;
    // GA: member 0 is last generation's elite, here re-evaluated on new episodes.
    curve.push({
      generation: g,
      best: gen.best,
      mean: gen.mean,
      member0: gen.fitness[0],
      seconds: secs,
    });
    console.log(
      `${name} gen ${g}: best ${gen.best.toFixed(1)} mean ${gen.mean.toFixed(1)} member 0 ${gen.fitness[0]} [${secs.toFixed(1)} s]`,
    );
    if (gen.best >= 500 && solvedAt === null) solvedAt = { generation: g, seconds: secs };
    if (gen.mean >= 475) {
      meanAt = { generation: g, seconds: secs };
      break;
    }
  }
  results[name] = { bestReaches500: solvedAt, meanReaches475: meanAt, curve };
  console.log(`${name}: best return 500 first at`, solvedAt ?? `none in ${GENS} generations`);
  console.log(`${name}: mean return 475 first at`, meanAt ?? `none in ${GENS} generations`);
}

if (arg.algo === 'ga' || arg.algo === 'both')
  await run(
    'ga',
    (pop, f) =>
      new w.GeneticAlgorithm(pop, f, {
        truncation: num('truncation'),
        sigma: num('ga-sigma'),
        seed: SEED,
      }),
  );
if (arg.algo === 'es' || arg.algo === 'both')
  await run(
    'es',
    (pop, f) => new w.OpenAIES(pop, f, { sigma: num('es-sigma'), lr: num('lr'), seed: SEED }),
  );

const config = {
  population: P,
  hidden: H,
  episodes: EPISODES,
  seed: SEED,
  adapter: rt.adapterInfo?.description,
};
if (arg.out) await writeFile(arg.out, JSON.stringify({ config, results }, null, 2));
rt.destroy();
