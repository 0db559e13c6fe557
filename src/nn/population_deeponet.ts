/**
 * A population of DeepXDE DeepONetCartesianProd networks (one output, no strategy) evaluated as
 * one: branch and trunk are PopulationFNNs, the product one batched matmul over the members.
 * Its parameters form one flat genome per member (branch's slots, then trunk's, then the bias
 * b.0), initialised from the Philox stream as PopulationFNN's, so GeneticAlgorithm and OpenAIES
 * evolve it as they evolve a PopulationFNN.
 */
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { reshape } from '../ops/layout';
import { matmul } from '../ops/matmul';
import { philoxNormals } from '../random_philox';
import { checkActivation, type Activation } from './fnn';
import { Module } from './module';
import { PopulationFNN, type ParamSlot } from './population';

/** PopulationDeepONet's settings (DeepONetCartesianProd's, one activation everywhere). */
export interface PopulationDeepONetConfig {
  /** Number of members P. */
  population: number;
  /** Branch widths [m sensors, hidden..., p]. */
  branch: readonly number[];
  /** Trunk widths [d, hidden..., p] (the trunk's activation is applied to its output too). */
  trunk: readonly number[];
  /** Activation of both nets. */
  activation: Activation;
  /** Member p's initial weights are the Philox draw of seed + p 2^32 (default 0). */
  seed?: number;
}

/**
 * P DeepONets: v [B, m] (shared functions) and x [N, d] (shared points) -> [P, B, N], member p's
 * y[p, b, n] = <branch_p(v_b), act(trunk_p(x_n))> + b_p. State_dict names as DeepXDE's
 * (branch.linears.k.weight, trunk.linears.k.bias, b.0) with a leading population axis.
 *
 * @example
 * const pop = new PopulationDeepONet(rt, { population: 64, branch: [100, 40, 40], trunk: [1, 40, 40], activation: 'relu' });
 * const u = pop.forward(v, x); // v [150, 100], x [100, 1] -> [64, 150, 100]
 */
export class PopulationDeepONet extends Module {
  /** Number of members P. */
  readonly population: number;
  /** Every parameter's slot in a member's flat vector, in state_dict order. */
  readonly layout: readonly ParamSlot[];
  /** Elements in one member's flat parameter vector. */
  readonly genomeSize: number;
  /** Member p's initial weights are the Philox draw of seed initSeed + p 2^32. */
  readonly initSeed: number;
  private readonly branch: PopulationFNN;
  private readonly trunk: PopulationFNN;
  private readonly bias: Tensor;
  private readonly act: (x: Tensor) => Tensor;

  constructor(rt: Runtime, cfg: PopulationDeepONetConfig) {
    super(rt);
    const { population: P, activation } = cfg;
    const seed = cfg.seed ?? 0;
    this.act = checkActivation('PopulationDeepONet', activation);
    const net = (layerSizes: readonly number[]) =>
      new PopulationFNN(rt, { population: P, layerSizes, activation, seed });
    this.branch = this.child('branch', net(cfg.branch));
    this.trunk = this.child('trunk', net(cfg.trunk));
    // A child (not a param of this module), so that b.0 follows the trunk in namedParameters.
    this.bias = this.child('b', new MemberScalars(rt, P)).value;
    this.population = P;
    this.initSeed = seed;
    const shift = this.branch.genomeSize;
    const bOffset = shift + this.trunk.genomeSize;
    this.layout = [
      ...this.branch.layout.map((s) => ({ ...s, name: `branch.${s.name}` })),
      ...this.trunk.layout.map((s) => ({
        ...s,
        name: `trunk.${s.name}`,
        offset: s.offset + shift,
      })),
      { name: 'b.0', shape: [], offset: bOffset, size: 1, initStd: 0 },
    ];
    this.genomeSize = bOffset + 1;
    // The trunk's draw continues the member's stream after the branch's (one genome, one stream).
    this.trunk.parameters().forEach((t, k) => {
      const s = this.layout[this.branch.layout.length + k];
      if (s.initStd === 0) return;
      const data = new Float32Array(P * s.size);
      for (let p = 0; p < P; p++)
        data.set(
          philoxNormals(seed + p * 2 ** 32, s.size, { offset: s.offset, std: s.initStd }),
          p * s.size,
        );
      t.write(data);
    });
  }

  /** v [B, m], x [N, d] -> [P, B, N]. */
  forward(v: Tensor, x: Tensor): Tensor {
    const P = this.population;
    const b = this.branch.forward(v); // [P, B, p]
    const t = this.act(this.trunk.forward(x)); // [P, N, p]
    return add(matmul(b, t, { transB: true }), reshape(this.bias, [P, 1, 1]));
  }
}

/** One scalar per member under the name `0` (DeepXDE's b.0 with a population axis). */
class MemberScalars extends Module {
  readonly value: Tensor;
  constructor(rt: Runtime, P: number) {
    super(rt);
    this.value = this.param('0', new Float32Array(P), [P]);
  }
}
