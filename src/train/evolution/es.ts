/**
 * OpenAI-ES (Salimans et al. 2017, "Evolution strategies as a scalable alternative to
 * reinforcement learning"): a central parameter vector theta, a population of antithetic pairs
 * theta +- sigma eps_h (h = p / 2), centred-rank fitness shaping, and Adam on the estimated
 * gradient g = 1 / (P sigma^2) sum_h (u_2h - u_2h+1) (sigma eps_h). Two compiled Steps per
 * generation, no host work but two seeds: `perturb` writes the pairs into the population's
 * weights; `update` evaluates them, ranks them (centred_ranks), forms g with one matmul per
 * parameter and lets Adam step theta (theta's gradient is -g: a linear "loss" -<theta, g>).
 */
import { WgnoError } from '../../errors';
import type { Step } from '../../graph/executor';
import type { Tensor } from '../../graph/tensor';
import { backward } from '../../graph/autodiff';
import { assignUpdate } from '../../graph/in_place';
import { add, mul } from '../../ops/binary';
import { concat } from '../../ops/concat';
import { matmul } from '../../ops/matmul';
import { reshape } from '../../ops/layout';
import { philoxNormal, RandomSeed } from '../../ops/random';
import { sum } from '../../ops/reduce';
import { centredRanks } from '../../ops/topk';
import { affine, neg } from '../../ops/unary';
import type { EvolvablePopulation } from '../../nn/population';
import { philoxBits, philoxNormals } from '../../random_philox';
import { Adam } from '../optim';

/** OpenAIES's settings. */
export interface ESOptions {
  /** Noise standard deviation (default 0.05). */
  sigma?: number;
  /** Adam's learning rate (default 0.03). */
  lr?: number;
  /** Seed of the run: per-generation noise seeds and theta's initial draw derive from it (default 0). */
  seed?: number;
}

/** What one ES generation measured (the perturbed population). */
export interface ESGeneration {
  /** The generation's number, from 0. */
  readonly index: number;
  /** Every perturbed member's fitness [P]. */
  readonly fitness: Float32Array;
  /** The largest fitness. */
  readonly best: number;
  /** The mean fitness. */
  readonly mean: number;
}

/**
 * @example
 * const pop = new PopulationFNN(rt, { population: 1000, layerSizes: [4, 16, 16, 1], activation: 'tanh' });
 * const es = new OpenAIES(pop, () => mean(cartpoleReturns(pop, { seed: episodes }), 1), { sigma: 0.05, lr: 0.03 });
 * const gen = await es.generation(); // gen.mean: the population's mean return
 */
export class OpenAIES {
  /** Noise standard deviation. */
  readonly sigma: number;
  /** Seed of the run. */
  readonly seed: number;
  /** The central parameters, one [size] leaf per layout slot (state_dict order). */
  readonly theta: Tensor[];
  /** Adam over `theta`. */
  readonly optimizer: Adam;
  private readonly noiseSeed = new RandomSeed(0);
  private gen = 0;
  private compiled: Promise<{ perturb: Step; update: Step; fitness: Tensor }> | null = null;

  constructor(
    /** The population it evolves (its weights are overwritten every generation). */
    readonly pop: EvolvablePopulation,
    /** The fitness [P] of the population's current weights, recorded once (higher is better). */
    private readonly fitness: () => Tensor,
    opts: ESOptions = {},
  ) {
    const P = pop.population;
    if (P % 2 !== 0 || P < 2)
      throw new WgnoError('OpenAIES', `the population must be even (antithetic pairs), got ${P}`);
    this.sigma = opts.sigma ?? 0.05;
    this.seed = opts.seed ?? 0;
    if (!(this.sigma > 0)) throw new WgnoError('OpenAIES', `sigma must be > 0, got ${this.sigma}`);
    pop.freeze(); // the population is written by `perturb`, never differentiated
    this.theta = pop.layout.map((s) => {
      const init =
        s.initStd > 0
          ? philoxNormals(this.seed, s.size, { offset: s.offset, std: s.initStd })
          : new Float32Array(s.size);
      return pop.rt.tensor(init, [s.size], { requiresGrad: true, label: `theta.${s.name}` });
    });
    this.optimizer = new Adam(this.theta, { lr: opts.lr ?? 0.03 });
  }

  /** Generations run so far. */
  get generations(): number {
    return this.gen;
  }

  /** Perturb, evaluate, rank and step theta once (two Step runs). */
  async generation(): Promise<ESGeneration> {
    const { perturb, update, fitness } = await (this.compiled ??= this.compile());
    const g = this.gen;
    this.noiseSeed.value = philoxBits(this.seed, g);
    perturb.run();
    update.run();
    const f = await fitness.read();
    this.gen++;
    return {
      index: g,
      fitness: f,
      best: Math.max(...f),
      mean: f.reduce((a, b) => a + b, 0) / f.length,
    };
  }

  /** Antithetic noise [H, size] of slot k (std sigma, row h = pair h's stream). */
  private noise(k: number): Tensor {
    const { offset, size } = this.pop.layout[k];
    const H = this.pop.population / 2;
    return philoxNormal(this.pop.rt, [H, size], {
      seed: this.noiseSeed,
      offset,
      std: this.sigma,
      perRow: true,
    });
  }

  private async compile() {
    const { pop, theta } = this;
    const P = pop.population;
    const H = P / 2;
    const perturbUpdates = pop.parameters().map((w, k) => {
      const size = pop.layout[k].size;
      const eps = reshape(this.noise(k), [H, 1, size]);
      const pm = reshape(concat([eps, neg(eps)], 1), [P, size]); // member 2h: +eps_h, 2h+1: -eps_h
      return assignUpdate(w, reshape(add(reshape(theta[k], [1, size]), pm), w.shape));
    });
    const perturb = await pop.rt.compile({ outputs: [], updates: perturbUpdates });

    const fitness = this.fitness();
    if (fitness.shape.join() !== `${P}`)
      throw new WgnoError('OpenAIES', `fitness must be [${P}], got [${fitness.shape.join(', ')}]`);
    const u = reshape(centredRanks(fitness), [H, 2]);
    const d = matmul(u, pop.rt.tensor(Float32Array.of(1, -1), [2, 1])); // [H, 1]: u_2h - u_2h+1
    const terms = theta.map((t, k) => {
      const g = affine(matmul(d, this.noise(k), { transA: true }), 1 / (P * this.sigma ** 2), 0);
      return sum(mul(reshape(t, [1, pop.layout[k].size]), g));
    });
    backward(neg(terms.reduce((a, b) => add(a, b)))); // d(-<theta, g>)/d theta = -g: Adam ascends g
    const update = await pop.rt.compile({ outputs: [fitness], updates: [this.optimizer] });
    return { perturb, update, fitness };
  }
}
