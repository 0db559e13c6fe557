/**
 * CartPole-v1 on the GPU for a whole population (kernels/cartpole.wgsl): every member's 4-h1-h2-1
 * tanh policy plays `episodes` episodes at once, one invocation per (member, episode), and the
 * returns (steps survived, at most `maxSteps`) are the fitness. The episodes' start states come
 * from a Philox seed (a `RandomSeed` is re-read at every run, so a compiled generation step plays
 * new episodes each time it runs).
 */
import { WgnoError } from '../../errors';
import { apply } from '../../graph/apply';
import { registerOp } from '../../graph/registry';
import type { OpDef } from '../../graph/op';
import type { Tensor } from '../../graph/tensor';
import type { TensorSpec } from '../../graph/shape';
import { defineKernel, grid1d } from '../../gpu/kernel';
import { UniformLayout } from '../../gpu/uniforms';
import { RandomSeed } from '../../ops/random';
import { philoxKey, philoxUniforms } from '../../random_philox';
import type { PopulationFNN } from '../../nn/population';
import source from '../../../kernels/cartpole.wgsl?raw';

export interface CartpoleAttrs {
  readonly episodes: number;
  readonly maxSteps: number;
  readonly seed: number | RandomSeed;
}

/** Options of `cartpoleReturns`. */
export interface CartpoleOptions {
  /** Episodes per member (default 1); every member plays the same start states. */
  episodes?: number;
  /** Steps before an episode is cut off (default 500, CartPole-v1's limit). */
  maxSteps?: number;
  /** Seed of the start states (default 0). */
  seed?: number | RandomSeed;
}

const MAX_HIDDEN = 64;
export const cartpoleParams = new UniformLayout('CartpoleParams', {
  n: 'u32',
  episodes: 'u32',
  h1: 'u32',
  h2: 'u32',
  max_steps: 'u32',
  key0: 'u32',
  key1: 'u32',
});
const kernel = defineKernel({
  name: 'cartpole',
  source,
  params: cartpoleParams,
  storage: ['read', 'read', 'read', 'read', 'read', 'read', 'read_write'],
});

const seedOf = (s: number | RandomSeed) => (typeof s === 'number' ? s : s.value);

/** Episode e's start state (x, x_dot, theta, theta_dot), as the kernel draws it. */
export function cartpoleStart(seed: number, e: number): number[] {
  return Array.from(philoxUniforms(seed, 4, { offset: 4 * e }), (u) => Math.fround(u * 0.1) - 0.05);
}

/** One Euler step of gym's CartPoleEnv in float64. */
export function cartpoleStep(s: readonly number[], right: boolean): number[] {
  const [x, v, th, w] = s;
  const force = right ? 10 : -10;
  const c = Math.cos(th);
  const sn = Math.sin(th);
  const temp = (force + 0.05 * w * w * sn) / 1.1;
  const thAcc = (9.8 * sn - c * temp) / (0.5 * (4 / 3 - (0.1 * c * c) / 1.1));
  const xAcc = temp - (0.05 * thAcc * c) / 1.1;
  return [x + 0.02 * v, v + 0.02 * xAcc, th + 0.02 * w, w + 0.02 * thAcc];
}

const failed = (s: readonly number[]) =>
  Math.abs(s[0]) > 2.4 || Math.abs(s[2]) > (12 * Math.PI) / 180;

function dims(specs: readonly TensorSpec[]) {
  const [w0, , w1] = specs;
  return { pop: w0.shape[0], h1: w0.shape[1], h2: w1.shape[1] };
}

const cartpoleDef: OpDef<CartpoleAttrs> = {
  name: 'cartpole',
  infer(specs, { episodes, maxSteps, seed }) {
    const { pop, h1, h2 } = dims(specs);
    const want = [
      [pop, h1, 4],
      [pop, h1],
      [pop, h2, h1],
      [pop, h2],
      [pop, 1, h2],
      [pop, 1],
    ];
    if (
      specs.length !== 6 ||
      specs.some((s, i) => s.shape.join() !== want[i].join()) ||
      h1 > MAX_HIDDEN ||
      h2 > MAX_HIDDEN
    )
      throw new WgnoError(
        'cartpole',
        `needs a 4-h1-h2-1 population policy (h1, h2 <= ${MAX_HIDDEN}): weights [P, h1, 4], [P, h1], [P, h2, h1], [P, h2], [P, 1, h2], [P, 1]`,
      );
    for (const [k, v] of [
      ['episodes', episodes],
      ['maxSteps', maxSteps],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new WgnoError('cartpole', `${k} must be an integer >= 1, got ${v}`);
    philoxKey(seedOf(seed));
    return { shape: [pop, episodes], dtype: 'f32' };
  },
  lower({ inputs, attrs }) {
    const { pop, h1, h2 } = dims(inputs);
    const n = pop * attrs.episodes;
    const key = () => {
      const [key0, key1] = philoxKey(seedOf(attrs.seed));
      return { key0, key1 };
    };
    return {
      dispatches: [
        {
          kernel,
          params: { n, episodes: attrs.episodes, h1, h2, max_steps: attrs.maxSteps, ...key() },
          dynamic: key,
          bindings: [...[0, 1, 2, 3, 4, 5].map((input) => ({ input })), { output: true as const }],
          grid: grid1d(n),
        },
      ],
    };
  },
  vjp: () => [null, null, null, null, null, null],
  reference: (w, specs, { episodes, maxSteps, seed }) => {
    const { pop, h1, h2 } = dims(specs);
    const out = new Float64Array(pop * episodes);
    for (let p = 0; p < pop; p++)
      for (let e = 0; e < episodes; e++) {
        let s = cartpoleStart(seedOf(seed), e);
        let steps = 0;
        while (steps < maxSteps) {
          steps++;
          s = cartpoleStep(s, policyOutput(w, p, h1, h2, s) > 0);
          if (failed(s)) break;
        }
        out[p * episodes + e] = steps;
      }
    return out;
  },
};

/** Member p's policy output in float64 (w: the six weight arrays). */
function policyOutput(
  w: readonly ArrayLike<number>[],
  p: number,
  h1: number,
  h2: number,
  s: readonly number[],
): number {
  const [w0, b0, w1, b1, w2, b2] = w;
  const h = Array.from({ length: h1 }, (_, i) =>
    Math.tanh(b0[p * h1 + i] + s.reduce((a, v, k) => a + w0[(p * h1 + i) * 4 + k] * v, 0)),
  );
  const g = Array.from({ length: h2 }, (_, i) => {
    let a = b1[p * h2 + i];
    for (let k = 0; k < h1; k++) a += w1[(p * h2 + i) * h1 + k] * h[k];
    return Math.tanh(a);
  });
  return g.reduce((a, v, k) => a + w2[p * h2 + k] * v, b2[p]);
}

/**
 * Returns [P, episodes] of every member of a 4-h1-h2-1 tanh PopulationFNN on CartPole-v1.
 * @example
 * const pop = new PopulationFNN(rt, { population: 1000, layerSizes: [4, 16, 16, 1], activation: 'tanh' });
 * const fitness = mean(cartpoleReturns(pop, { episodes: 2, seed }), 1); // [1000]
 */
export function cartpoleReturns(pop: PopulationFNN, opts: CartpoleOptions = {}): Tensor {
  if (
    pop.layerSizes.length !== 4 ||
    pop.layerSizes[0] !== 4 ||
    pop.layerSizes[3] !== 1 ||
    pop.activation !== 'tanh'
  )
    throw new WgnoError(
      'cartpole',
      `the policy must be a tanh PopulationFNN with layerSizes [4, h1, h2, 1], got [${pop.layerSizes.join(', ')}] ${pop.activation}`,
    );
  const attrs = {
    episodes: opts.episodes ?? 1,
    maxSteps: opts.maxSteps ?? 500,
    seed: opts.seed ?? 0,
  };
  return apply('cartpole', pop.parameters(), attrs);
}

declare module '../../graph/registry' {
  interface OpAttrs {
    cartpole: CartpoleAttrs;
  }
}

registerOp('cartpole', cartpoleDef);
