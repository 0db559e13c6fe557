/**
 * The genetic algorithm of Such et al. 2017 ("Deep Neuroevolution", uber-research/
 * deep-neuroevolution), a whole generation in one compiled Step: evaluate every member, rank
 * (argsort), pick parents (the best `elites` copied, the rest drawn uniformly from the best
 * `truncation`), and write the children, parent + sigma * Philox noise, into the population's
 * weights. No crossover. The elites are re-evaluated in the next generation with everyone else,
 * on new episodes, so a lucky score is not carried over. The host reads back the fitness and the
 * parents (2 x P numbers) to keep every member's genome, its list of seeds.
 */
import { WgnoError } from '../../errors';
import type { Step } from '../../graph/executor';
import type { Tensor } from '../../graph/tensor';
import { assignUpdate } from '../../graph/in_place';
import { reshape } from '../../ops/layout';
import { philoxNormal, RandomSeed } from '../../ops/random';
import { argsort } from '../../ops/topk';
import type { EvolvablePopulation } from '../../nn/population';
import { philoxBits } from '../../random_philox';
import { gaMutate, gaParents } from './ga_ops';

/** GeneticAlgorithm's settings (the defaults are the paper's, sigma scaled for small policies). */
export interface GAOptions {
  /** Parents are drawn from the best `truncation` members (default 20). */
  truncation?: number;
  /** The best `elites` are copied unmutated (default 1). */
  elites?: number;
  /** Mutation standard deviation (default 0.05). */
  sigma?: number;
  /** Seed of the run: the per-generation selection and mutation seeds derive from it (default 0). */
  seed?: number;
}

/** What one generation measured (the population before its update). */
export interface Generation {
  /** The generation's number, from 0. */
  readonly index: number;
  /** Every member's fitness [P]. */
  readonly fitness: Float32Array;
  /** The largest fitness. */
  readonly best: number;
  /** The mean fitness. */
  readonly mean: number;
  /** The member with the best fitness this generation. */
  readonly bestMember: number;
  /** That member's genome (its weights: `rebuildGenome(pop.layout, bestGenome, sigma)`). */
  readonly bestGenome: readonly number[];
}

/**
 * @example
 * const pop = new PopulationFNN(rt, { population: 1000, layerSizes: [4, 16, 16, 1], activation: 'tanh', seed: 1 });
 * const episodes = new RandomSeed(0);
 * const ga = new GeneticAlgorithm(pop, () => mean(cartpoleReturns(pop, { seed: episodes }), 1), { sigma: 0.05 });
 * for (let g = 0; g < 20; g++) { episodes.value = g; console.log((await ga.generation()).best); }
 */
export class GeneticAlgorithm {
  /** Parents are drawn from the best `truncation` members. */
  readonly truncation: number;
  /** Members copied unmutated from the best. */
  readonly elites: number;
  /** Mutation standard deviation. */
  readonly sigma: number;
  /** Seed of the run. */
  readonly seed: number;
  private readonly selectSeed = new RandomSeed(0);
  private readonly mutateSeed = new RandomSeed(0);
  private genomes: number[][];
  private gen = 0;
  private compiled: Promise<{ step: Step; fitness: Tensor; parents: Tensor }> | null = null;

  constructor(
    /** The population it evolves (its weights are overwritten every generation). */
    readonly pop: EvolvablePopulation,
    /** The fitness [P] of the population's current weights, recorded once (higher is better). */
    private readonly fitness: () => Tensor,
    opts: GAOptions = {},
  ) {
    const P = pop.population;
    this.truncation = opts.truncation ?? Math.min(20, P);
    this.elites = opts.elites ?? 1;
    this.sigma = opts.sigma ?? 0.05;
    this.seed = opts.seed ?? 0;
    if (!(this.sigma > 0))
      throw new WgnoError('GeneticAlgorithm', `sigma must be > 0, got ${this.sigma}`);
    const initSeed = pop.initSeed;
    this.genomes = Array.from({ length: P }, (_, p) => [initSeed + p * 2 ** 32]);
  }

  /** Generations run so far. */
  get generations(): number {
    return this.gen;
  }

  /** Member i's genome: its initial seed, then one mutation seed per generation that changed it. */
  genome(i: number): number[] {
    return [...this.genomes[i]];
  }

  /** Evaluate, select and mutate once (one Step run); returns this generation's fitness. */
  async generation(): Promise<Generation> {
    const { step, fitness, parents } = await (this.compiled ??= this.compile());
    const g = this.gen;
    this.mutateSeed.value = philoxBits(this.seed, 2 * g);
    this.selectSeed.value = philoxBits(this.seed, 2 * g + 1);
    step.run();
    const [f, par] = await Promise.all([fitness.read(), parents.readIndices()]);
    const old = this.genomes;
    let bestMember = 0;
    for (let p = 1; p < f.length; p++) if (f[p] > f[bestMember]) bestMember = p;
    const bestGenome = old[bestMember];
    this.genomes = Array.from(par, (q, p) =>
      p < this.elites ? old[q] : [...old[q], this.mutateSeed.value + p * 2 ** 32],
    );
    this.gen++;
    const mean = f.reduce((a, b) => a + b, 0) / f.length;
    return { index: g, fitness: f, best: f[bestMember], mean, bestMember, bestGenome };
  }

  private async compile() {
    const { pop } = this;
    const P = pop.population;
    const fitness = this.fitness();
    if (fitness.shape.join() !== `${P}`)
      throw new WgnoError(
        'GeneticAlgorithm',
        `fitness must be [${P}], got [${fitness.shape.join(', ')}]`,
      );
    const parents = gaParents(argsort(fitness), {
      top: this.truncation,
      elites: this.elites,
      seed: this.selectSeed,
    });
    const updates = pop.namedParameters().map(([, w], k) => {
      const { offset, size } = pop.layout[k];
      const eps = philoxNormal(pop.rt, [P, size], {
        seed: this.mutateSeed,
        offset,
        std: this.sigma,
        perRow: true,
      });
      const child = gaMutate(reshape(w, [P, size]), parents, eps, this.elites);
      return assignUpdate(w, reshape(child, w.shape));
    });
    const step = await pop.rt.compile({ outputs: [fitness, parents], updates });
    return { step, fitness, parents };
  }
}
