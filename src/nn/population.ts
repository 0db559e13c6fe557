/**
 * A population of DeepXDE FNNs evaluated as one network: every parameter has a leading population
 * axis ([P, out, in] weights, [P, out] biases, the FNN's state_dict names), and each layer is one
 * batched matmul over the population (member p's batch against member p's weights) plus a
 * broadcast add of the per-member bias. One Step evaluates all P members with the same number of
 * dispatches as a single network, which is what neuroevolution and ensembles need.
 *
 * Initial weights come from the Philox stream (src/random_philox.ts), so they are a function of a
 * seed that the GPU can regenerate: member p's parameter t holds normal(seed + p 2^32, offset_t +
 * j) * std_t, with offset_t its place in the member's flat parameter vector (`layout`) and std_t
 * Glorot normal's sqrt(2 / (fan_in + fan_out)) for weights, 0 for biases.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import type { HostTensor } from '../io/host_tensor';
import { add } from '../ops/binary';
import { matmul } from '../ops/matmul';
import { reshape } from '../ops/layout';
import { philoxNormals } from '../random_philox';
import { FNN, checkActivation, checkLayerSizes, type Activation, type FNNConfig } from './fnn';
import { Module } from './module';

/** One parameter's place in a member's flat parameter vector (the genome's coordinates). */
export interface ParamSlot {
  /** The FNN's state_dict name, e.g. 'linears.0.weight'. */
  readonly name: string;
  /** Shape of one member's parameter (the population tensor is [P, ...shape]). */
  readonly shape: readonly number[];
  /** First element in the member's flat vector. */
  readonly offset: number;
  /** Elements of one member's parameter. */
  readonly size: number;
  /** Standard deviation of the initial normal draw (0: initialised to zero). */
  readonly initStd: number;
}

/**
 * What GeneticAlgorithm and OpenAIES need of a population (PopulationFNN, PopulationDeepONet):
 * its size, parameters [P, ...] in `layout` order, each member's flat-vector coordinates, and the
 * Philox seed its initial weights were drawn from.
 */
export type EvolvablePopulation = Pick<
  PopulationFNN,
  | 'rt'
  | 'population'
  | 'layout'
  | 'genomeSize'
  | 'initSeed'
  | 'namedParameters'
  | 'parameters'
  | 'freeze'
>;

/** PopulationFNN's settings: an FNN config and the population size. */
export interface PopulationFNNConfig {
  /** Number of members P (at least 1). */
  population: number;
  /** Widths [in, hidden..., out], as FNNConfig. */
  layerSizes: readonly number[];
  /** One activation for every hidden layer (none after the last layer), as FNNConfig. */
  activation: Activation;
  /** Member p's initial weights are drawn from Philox seed `seed + p 2^32` (default 0). */
  seed?: number;
}

/**
 * P fully connected networks of one architecture, evaluated together: x [B, in] (every member
 * sees the same inputs) or [P, B, in] (each its own) -> [P, B, out].
 *
 * @example
 * const pop = new PopulationFNN(rt, { population: 1000, layerSizes: [4, 16, 16, 1], activation: 'tanh' });
 * const y = pop.forward(obs); // obs [1000, 1, 4] -> y [1000, 1, 1]
 * const best = await pop.member(17); // an ordinary FNN with member 17's weights
 */
export class PopulationFNN extends Module {
  /** Number of members P. */
  readonly population: number;
  /** Widths [in, hidden..., out] of every member. */
  readonly layerSizes: readonly number[];
  /** The hidden layers' activation. */
  readonly activation: Activation;
  /** Every parameter's slot in a member's flat vector, in state_dict order. */
  readonly layout: readonly ParamSlot[];
  /** Elements in one member's flat parameter vector. */
  readonly genomeSize: number;
  /** Member p's initial weights are the Philox draw of seed initSeed + p 2^32. */
  readonly initSeed: number;
  private readonly layers: { w: Tensor; b: Tensor }[] = [];
  private readonly act: (x: Tensor) => Tensor;

  constructor(rt: Runtime, cfg: PopulationFNNConfig) {
    super(rt);
    const P = cfg.population;
    if (!Number.isInteger(P) || P < 1)
      throw new WgnoError('PopulationFNN', `population must be an integer >= 1, got ${P}`);
    this.population = P;
    this.layerSizes = checkLayerSizes('PopulationFNN', 'layerSizes', cfg.layerSizes);
    this.act = checkActivation('PopulationFNN', cfg.activation);
    this.activation = cfg.activation;
    this.layout = fnnLayout(this.layerSizes);
    this.genomeSize = this.layout.reduce((n, s) => n + s.size, 0);
    const seed = cfg.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
      throw new WgnoError('PopulationFNN', `seed must be an integer in [0, 2^32), got ${seed}`);
    this.initSeed = seed;
    const init = (s: ParamSlot) => {
      const data = new Float32Array(P * s.size);
      if (s.initStd > 0)
        for (let p = 0; p < P; p++)
          data.set(
            philoxNormals(seed + p * 2 ** 32, s.size, { offset: s.offset, std: s.initStd }),
            p * s.size,
          );
      return this.param(s.name, data, [P, ...s.shape]);
    };
    for (let k = 0; k < this.layout.length; k += 2)
      this.layers.push({ w: init(this.layout[k]), b: init(this.layout[k + 1]) });
  }

  /**
   * A population of P copies of one FNN configuration (DeepXDE names); the FNN's initializer is
   * replaced by the Philox draw described above.
   */
  static fromFNNConfig(rt: Runtime, cfg: FNNConfig, population: number): PopulationFNN {
    if (typeof cfg.activation !== 'string')
      throw new WgnoError('PopulationFNN', 'needs one activation name for every hidden layer');
    return new PopulationFNN(rt, { ...cfg, activation: cfg.activation, population });
  }

  /** x [B, in] or [P, B, in] -> [P, B, out]; the activation after every layer but the last. */
  forward(x: Tensor): Tensor {
    const inp = this.layerSizes[0];
    const s = x.shape;
    const ok =
      (s.length === 2 && s[1] === inp) ||
      (s.length === 3 && s[0] === this.population && s[2] === inp);
    if (!ok)
      throw new WgnoError(
        'PopulationFNN',
        `input ${x} must be [B, ${inp}] or [${this.population}, B, ${inp}]`,
      );
    this.layers.forEach(({ w, b }, k) => {
      const out = w.shape[1];
      x = add(matmul(x, w, { transB: true }), reshape(b, [this.population, 1, out]));
      if (k + 1 < this.layers.length) x = this.act(x);
    });
    return x;
  }

  /** Member i's weights under the FNN's state_dict names (shapes without the population axis). */
  async memberStateDict(i: number): Promise<Map<string, HostTensor>> {
    this.checkMember(i);
    const out = new Map<string, HostTensor>();
    for (const [k, [name, t]] of this.namedParameters().entries()) {
      const { shape, size } = this.layout[k];
      const data = (await t.read()).slice(i * size, (i + 1) * size);
      out.set(name, { dtype: 'f32', shape: [...shape], data });
    }
    return out;
  }

  /** An ordinary FNN holding member i's weights. */
  async member(i: number): Promise<FNN> {
    const fnn = new FNN(this.rt, { layerSizes: this.layerSizes, activation: this.activation });
    fnn.loadStateDict(await this.memberStateDict(i));
    return fnn;
  }

  /** Overwrite member i's weights with an FNN state_dict (e.g. `await fnn.stateDict()`). */
  async setMember(i: number, sd: ReadonlyMap<string, HostTensor>): Promise<void> {
    this.checkMember(i);
    for (const [k, [name, t]] of this.namedParameters().entries()) {
      const { shape, size } = this.layout[k];
      const h = sd.get(name);
      if (!h || h.shape.join() !== shape.join())
        throw new WgnoError(
          'PopulationFNN',
          `setMember needs ${name} of shape [${shape.join(', ')}]`,
        );
      const all = await t.read();
      all.set(h.data, i * size);
      t.write(all);
    }
  }

  private checkMember(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.population)
      throw new WgnoError('PopulationFNN', `member ${i} is not in [0, ${this.population})`);
  }
}

/** The FNN's parameters as slots of one flat vector: linears.k.weight [out, in], then .bias [out]. */
export function fnnLayout(sizes: readonly number[]): ParamSlot[] {
  const out: ParamSlot[] = [];
  let offset = 0;
  for (let k = 0; k + 1 < sizes.length; k++) {
    const [inp, o] = [sizes[k], sizes[k + 1]];
    const slots: [string, number[], number][] = [
      [`linears.${k}.weight`, [o, inp], Math.sqrt(2 / (inp + o))],
      [`linears.${k}.bias`, [o], 0],
    ];
    for (const [name, shape, initStd] of slots) {
      const size = shape.reduce((a, b) => a * b, 1);
      out.push({ name, shape, offset, size, initStd });
      offset += size;
    }
  }
  return out;
}
