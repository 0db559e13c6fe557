/**
 * In Chromium: a GA generation's weights equal the genome rebuilt on the host and on the GPU, bit
 * for bit (the Node file, evolution.test.ts, checks the same on Dawn, and the algorithms).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GeneticAlgorithm,
  PopulationFNN,
  RandomSeed,
  cartpoleReturns,
  genomeWeights,
  init,
  mean,
  rebuildGenome,
  type Runtime,
} from '../../src/index';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('genomes in the browser', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('weights after 3 GA generations == rebuildGenome == genomeWeights, bit for bit', async () => {
    const pop = new PopulationFNN(rt, {
      population: 16,
      layerSizes: [4, 6, 5, 1],
      activation: 'tanh',
      seed: 2,
    });
    const episodes = new RandomSeed(0);
    const ga = new GeneticAlgorithm(
      pop,
      () => mean(cartpoleReturns(pop, { maxSteps: 50, seed: episodes }), 1),
      {
        truncation: 4,
        sigma: 0.07,
        seed: 5,
      },
    );
    for (let g = 0; g < 3; g++) {
      episodes.value = g;
      await ga.generation();
    }
    for (const i of [0, 7, 15]) {
      const genome = ga.genome(i);
      const host = rebuildGenome(pop.layout, genome, ga.sigma);
      const sd = await pop.memberStateDict(i);
      const gpu = genomeWeights(rt, pop.layout, genome, ga.sigma);
      for (const s of pop.layout) {
        const want = bits(host.subarray(s.offset, s.offset + s.size));
        expect(bits(sd.get(s.name)!.data)).toEqual(want);
        expect(bits(await gpu.get(s.name)!.read())).toEqual(want);
      }
    }
    expect(ga.genome(15)).toHaveLength(4);
  });
});
