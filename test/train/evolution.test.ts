import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateReference, indexTensor, init, mean, type Runtime } from '../../src/index';
import { PopulationFNN } from '../../src/nn/population';
import { RandomSeed } from '../../src/ops/random';
import { argsort } from '../../src/ops/topk';
import { cartpoleReturns } from '../../src/train/evolution/cartpole';
import { GeneticAlgorithm } from '../../src/train/evolution/ga';
import { OpenAIES } from '../../src/train/evolution/es';
import { gaMutate, gaParents, hostGaParents } from '../../src/train/evolution/ga_ops';
import { genomeWeights, rebuildGenome } from '../../src/train/evolution/genome';
import { philoxBits, philoxNormals } from '../../src/random_philox';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('neuroevolution: GA ops, CartPole, genomes', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('ga_parents equals its host twin; ga_mutate copies elites and adds noise to the rest', async () => {
    const order = Array.from({ length: 37 }, (_, i) => (i * 11) % 37);
    const parents = gaParents(indexTensor(rt, order), { top: 5, elites: 2, seed: 99 });
    const want = hostGaParents(order, { top: 5, elites: 2, seed: 99 });
    expect(Array.from(await parents.readIndices())).toEqual(Array.from(want));
    expect(want.slice(0, 2)).toEqual(Int32Array.of(0, 11));
    expect(new Set(want.slice(2)).size).toBeGreaterThan(1);
    for (const q of want.slice(2)) expect(order.slice(0, 5)).toContain(q);

    const x = rt.tensor(
      Float32Array.from({ length: 37 * 3 }, (_, i) => i),
      [37, 3],
    );
    const eps = rt.tensor(new Float32Array(37 * 3).fill(0.5), [37, 3]);
    const y = await gaMutate(x, parents, eps, 2).read();
    for (let p = 0; p < 37; p++)
      for (let j = 0; j < 3; j++) expect(y[p * 3 + j]).toBe(want[p] * 3 + j + (p < 2 ? 0 : 0.5));
    expect(() => gaParents(indexTensor(rt, order), { top: 38, elites: 1, seed: 1 })).toThrow(
      /top 38 must be an integer in \[1, P = 37\]/,
    );
  });

  it('CartPole on the GPU agrees with the float64 simulation', async () => {
    const pop = new PopulationFNN(rt, {
      population: 24,
      layerSizes: [4, 8, 8, 1],
      activation: 'tanh',
      seed: 3,
    });
    const ret = cartpoleReturns(pop, { episodes: 2, maxSteps: 200, seed: 5 });
    const gpu = await ret.read();
    const feeds = new Map(
      await Promise.all(
        pop.parameters().map(async (t) => [t, Float64Array.from(await t.read())] as const),
      ),
    );
    const [ref] = evaluateReference([ret], feeds);
    // f32 against float64 over up to 200 chaotic steps: most episodes end on the same step.
    const same = gpu.filter((v, i) => v === ref[i]).length;
    expect(same).toBeGreaterThanOrEqual(0.9 * gpu.length);
    expect(Math.max(...gpu)).toBeLessThanOrEqual(200);
    expect(Math.min(...gpu)).toBeGreaterThanOrEqual(1);
    expect(() =>
      cartpoleReturns(
        new PopulationFNN(rt, { population: 2, layerSizes: [4, 3, 1], activation: 'tanh' }),
      ),
    ).toThrow(/layerSizes \[4, h1, h2, 1\]/);
  });

  it('the GA improves CartPole returns on a tiny population; genomes rebuild the weights bit for bit', async () => {
    const pop = new PopulationFNN(rt, {
      population: 64,
      layerSizes: [4, 8, 8, 1],
      activation: 'tanh',
      seed: 1,
    });
    const episodes = new RandomSeed(0);
    const ga = new GeneticAlgorithm(
      pop,
      () => mean(cartpoleReturns(pop, { episodes: 2, maxSteps: 200, seed: episodes }), 1),
      {
        truncation: 10,
        sigma: 0.1,
        seed: 7,
      },
    );
    const best: number[] = [];
    const means: number[] = [];
    for (let g = 0; g < 8; g++) {
      episodes.value = g;
      const gen = await ga.generation();
      best.push(gen.best);
      means.push(gen.mean);
    }
    // Seeded, so deterministic: measured 50.1 -> 150.3 (the best member already reaches 200).
    expect(means[7]).toBeGreaterThan(2 * means[0]);
    expect(Math.min(...best)).toBeGreaterThan(means[0]);
    // Every member's weights are its genome: host twin and GPU graph, bit for bit.
    for (const i of [0, 1, 33, 63]) {
      const genome = ga.genome(i);
      expect(genome.length).toBeGreaterThanOrEqual(1);
      const host = rebuildGenome(pop.layout, genome, ga.sigma);
      const sd = await pop.memberStateDict(i);
      const gpuWeights = genomeWeights(rt, pop.layout, genome, ga.sigma);
      for (const s of pop.layout) {
        const want = host.subarray(s.offset, s.offset + s.size);
        expect(bits(sd.get(s.name)!.data)).toEqual(bits(want));
        expect(bits(await gpuWeights.get(s.name)!.read())).toEqual(bits(want));
      }
    }
    expect(ga.genome(5).length).toBe(9); // not an elite: one seed per generation after the first
  });

  it('OpenAI-ES: antithetic members around theta; the mean return rises', async () => {
    const pop = new PopulationFNN(rt, {
      population: 64,
      layerSizes: [4, 8, 8, 1],
      activation: 'tanh',
    });
    const episodes = new RandomSeed(0);
    const es = new OpenAIES(
      pop,
      () => mean(cartpoleReturns(pop, { episodes: 2, maxSteps: 200, seed: episodes }), 1),
      {
        sigma: 0.1,
        lr: 0.05,
        seed: 3,
      },
    );
    const means: number[] = [];
    for (let g = 0; g < 10; g++) {
      episodes.value = g;
      means.push((await es.generation()).mean);
    }
    // The last perturbation: members 2h and 2h + 1 sit at theta_before +- eps, so their mean is
    // theta before the last Adam step, within one rounding.
    const sd0 = (await pop.memberStateDict(0)).get('linears.1.weight')!.data;
    const sd1 = (await pop.memberStateDict(1)).get('linears.1.weight')!.data;
    const theta = await es.theta[2].read(); // linears.1.weight, after the last Adam step
    let gap = 0;
    for (let j = 0; j < theta.length; j++)
      gap = Math.max(gap, Math.abs((sd0[j] + sd1[j]) / 2 - theta[j]));
    expect(gap).toBeLessThan(0.051); // Adam moves each weight by at most about lr = 0.05
    expect(Math.max(...sd0.map((v, j) => Math.abs(v - sd1[j])))).toBeGreaterThan(0.1);
    // Measured (seeded): the mean return 46.0 -> 159.2 in 10 generations.
    expect(Math.max(...means.slice(-3))).toBeGreaterThan(1.5 * means[0]);
    expect(
      () =>
        new OpenAIES(
          new PopulationFNN(rt, { population: 3, layerSizes: [4, 2, 2, 1], activation: 'tanh' }),
          () => rt.zeros([3]),
        ),
    ).toThrow(/population must be even/);
  });

  it('OpenAI-ES: the first Adam step moves theta by lr * sign(g), g from the host formula', async () => {
    const pop = new PopulationFNN(rt, {
      population: 4,
      layerSizes: [4, 3, 2, 1],
      activation: 'tanh',
    });
    const f = rt.tensor(Float32Array.of(3, 1, 0, 2), [4]); // centred ranks 0.5, -1/6, -0.5, 1/6
    const es = new OpenAIES(pop, () => f, { sigma: 0.1, lr: 0.01, seed: 8 });
    const before = await Promise.all(es.theta.map((t) => t.read()));
    await es.generation();
    const noiseSeed = philoxBits(8, 0);
    const d = [0.5 + 1 / 6, -0.5 - 1 / 6]; // u_2h - u_2h+1 for the pairs h = 0, 1
    let checked = 0;
    for (const [k, slot] of pop.layout.entries()) {
      const after = await es.theta[k].read();
      const eps = [0, 1].map((h) =>
        philoxNormals(noiseSeed + h * 2 ** 32, slot.size, { offset: slot.offset, std: 0.1 }),
      );
      for (let j = 0; j < slot.size; j++) {
        const g = (d[0] * eps[0][j] + d[1] * eps[1][j]) / (4 * 0.1 ** 2);
        if (Math.abs(g) < 1e-3) continue;
        expect(after[j] - before[k][j]).toBeCloseTo(0.01 * Math.sign(g), 6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('argsort of the fitness ranks elites first', async () => {
    const f = rt.tensor(Float32Array.of(3, 9, 1, 9), [4]);
    expect(Array.from(await argsort(f).readIndices())).toEqual([1, 3, 0, 2]);
  });
});
