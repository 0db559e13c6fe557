/**
 * PopulationDeepONet: member i equals DeepXDE's DeepONetCartesianProd (wgno's) run alone with
 * member i's weights; the genome layout is exact (after GA generations every member's weights are
 * rebuilt from its genome bit for bit), so GeneticAlgorithm and OpenAIES evolve it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  init,
  mean,
  neg,
  square,
  sub,
  GeneticAlgorithm,
  OpenAIES,
  Rng,
  rebuildGenome,
  type Runtime,
} from '../../src/index';
import { DeepONetCartesianProd } from '../../src/models/deeponet';
import { PopulationDeepONet } from '../../src/nn/population_deeponet';
import { relL2 } from '../util/compare';

describe('PopulationDeepONet', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  const cfg = { branch: [6, 5, 4], trunk: [1, 3, 4], activation: 'relu' as const };

  async function memberWeights(pop: PopulationDeepONet, i: number) {
    const sd = new Map<string, { dtype: 'f32'; shape: number[]; data: Float32Array }>();
    for (const [k, [name, t]] of pop.namedParameters().entries()) {
      const { shape, size } = pop.layout[k];
      expect(name).toBe(pop.layout[k].name);
      sd.set(name, {
        dtype: 'f32',
        shape: [...shape],
        data: (await t.read()).slice(i * size, (i + 1) * size),
      });
    }
    return sd;
  }

  it('member i equals DeepONetCartesianProd with its weights (P = 1, 3)', async () => {
    for (const P of [1, 3]) {
      const pop = new PopulationDeepONet(rt, { ...cfg, population: P, seed: 5 });
      const rng = new Rng(2);
      const v = rt.tensor(rng.normals(4 * 6), [4, 6]);
      const x = rt.tensor(rng.normals(7), [7, 1]);
      for (const p of pop.parameters()) p.write((await p.read()).map(() => rng.normal() * 0.5));
      const y = await pop.forward(v, x).read();
      for (let i = 0; i < P; i++) {
        const net = new DeepONetCartesianProd(rt, cfg);
        net.loadStateDict(await memberWeights(pop, i));
        const alone = await net.forward(v, x).read();
        expect(relL2(y.subarray(i * 28, (i + 1) * 28), alone)).toBeLessThan(1e-6);
      }
    }
  });

  it('GA and ES evolve it; genomes rebuild every member bit for bit', async () => {
    const pop = new PopulationDeepONet(rt, { ...cfg, population: 8, seed: 3 });
    const rng = new Rng(4);
    const v = rt.tensor(rng.normals(5 * 6), [5, 6]);
    const x = rt.tensor(rng.normals(4), [4, 1]);
    const u = rt.tensor(rng.normals(20), [1, 5, 4]);
    const fitness = () => neg(mean(square(sub(pop.forward(v, x), u)), [1, 2]));
    const ga = new GeneticAlgorithm(pop, fitness, { truncation: 3, sigma: 0.1, seed: 1 });
    let first = 0;
    let last = 0;
    for (let g = 0; g < 4; g++) {
      const gen = await ga.generation();
      if (g === 0) first = gen.best;
      last = gen.best;
    }
    expect(last).toBeGreaterThanOrEqual(first); // the elite is kept (same data every generation)
    for (const i of [0, 5]) {
      const want = rebuildGenome(pop.layout, ga.genome(i), 0.1);
      const have = pop.parameters().map(async (t, k) => {
        const { size } = pop.layout[k];
        return (await t.read()).slice(i * size, (i + 1) * size);
      });
      const flat = new Float32Array(pop.genomeSize);
      (await Promise.all(have)).forEach((a, k) => flat.set(a, pop.layout[k].offset));
      expect(flat).toEqual(want);
    }
    const pop2 = new PopulationDeepONet(rt, { ...cfg, population: 8, seed: 3 });
    const es = new OpenAIES(pop2, () => neg(mean(square(sub(pop2.forward(v, x), u)), [1, 2])), {
      sigma: 0.05,
      lr: 0.05,
    });
    const g0 = await es.generation();
    for (let g = 0; g < 5; g++) await es.generation();
    expect(Number.isFinite(g0.mean)).toBe(true);
  });
});
