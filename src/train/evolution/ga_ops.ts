/**
 * The genetic algorithm's two GPU ops (kernels/topk_select.wgsl, kernels/topk_mutate.wgsl):
 * `gaParents` (elites and truncation selection from an argsort order) and `gaMutate` (children =
 * parent rows plus sigma-scaled noise). Neither has a gradient: they are the GA's update, not a
 * differentiable layer. The TS twins (`hostGaParents`) give the same indices, so the host can keep
 * each member's genome (its list of seeds) from the parents it reads back.
 */
import { WgnoError, fmtShape } from '../../errors';
import { apply } from '../../graph/apply';
import { registerOp } from '../../graph/registry';
import type { OpDef } from '../../graph/op';
import type { Tensor } from '../../graph/tensor';
import { defineKernel, grid1d } from '../../gpu/kernel';
import { UniformLayout } from '../../gpu/uniforms';
import { RandomSeed } from '../../ops/random';
import { mulhi32, philox4x32, philoxKey } from '../../random_philox';
import selectSource from '../../../kernels/topk_select.wgsl?raw';
import mutateSource from '../../../kernels/topk_mutate.wgsl?raw';

export interface GaParentsAttrs {
  /** Truncation: parents are drawn from the best `top`. */
  readonly top: number;
  /** The best `elites` are copied to members 0..elites-1. */
  readonly elites: number;
  readonly seed: number | RandomSeed;
}

export const selectParams = new UniformLayout('SelectParams', {
  n: 'u32',
  top: 'u32',
  elites: 'u32',
  key0: 'u32',
  key1: 'u32',
});
const selectKernel = defineKernel({
  name: 'topk_select',
  entry: 'ga_parents',
  source: selectSource,
  params: selectParams,
  storage: ['read', 'read_write'],
});
export const mutateParams = new UniformLayout('MutateParams', {
  n: 'u32',
  d: 'u32',
  elites: 'u32',
});
const mutateKernel = defineKernel({
  name: 'topk_mutate',
  source: mutateSource,
  params: mutateParams,
  storage: ['read', 'read', 'read', 'read_write'],
});

const seedOf = (s: number | RandomSeed) => (typeof s === 'number' ? s : s.value);

/** parent[p] as ga_parents computes it, from `order` (best first). */
export function hostGaParents(
  order: ArrayLike<number>,
  { top, elites, seed }: { top: number; elites: number; seed: number },
): Int32Array {
  const key = philoxKey(seed);
  return Int32Array.from({ length: order.length }, (_, p) => {
    if (p < elites) return order[p];
    const bits = philox4x32([Math.floor(p / 4), 0, 0, 0], key)[p & 3];
    return order[mulhi32(bits, top)];
  });
}

const gaParentsDef: OpDef<GaParentsAttrs> = {
  name: 'ga_parents',
  indexInputs: [0],
  infer([order], { top, elites }) {
    const n = order.shape[0];
    if (order.shape.length !== 1)
      throw new WgnoError('ga_parents', `order must be [P], got ${fmtShape(order.shape)}`);
    if (!Number.isInteger(top) || top < 1 || top > n)
      throw new WgnoError('ga_parents', `top ${top} must be an integer in [1, P = ${n}]`);
    if (!Number.isInteger(elites) || elites < 0 || elites > n)
      throw new WgnoError('ga_parents', `elites ${elites} must be an integer in [0, P = ${n}]`);
    return { shape: [n], dtype: 'i32' };
  },
  lower({ out, attrs }) {
    const n = out.shape[0];
    const key = () => {
      const [key0, key1] = philoxKey(seedOf(attrs.seed));
      return { key0, key1 };
    };
    return {
      dispatches: [
        {
          kernel: selectKernel,
          params: { n, top: attrs.top, elites: attrs.elites, ...key() },
          dynamic: key,
          bindings: [{ input: 0 }, { output: true }],
          grid: grid1d(n),
        },
      ],
    };
  },
  vjp: () => [null],
  reference: ([order], _s, { top, elites, seed }) =>
    Float64Array.from(hostGaParents(order, { top, elites, seed: seedOf(seed) })),
};

const gaMutateDef: OpDef<{ readonly elites: number }> = {
  name: 'ga_mutate',
  indexInputs: [1],
  infer([x, parents, eps]) {
    if (
      x.shape.length !== 2 ||
      parents.shape.join() !== `${x.shape[0]}` ||
      eps.shape.join() !== x.shape.join()
    )
      throw new WgnoError(
        'ga_mutate',
        `needs x [P, D], parents [P] and eps [P, D]; got ${fmtShape(x.shape)}, ${fmtShape(parents.shape)}, ${fmtShape(eps.shape)}`,
      );
    return { shape: [...x.shape], dtype: 'f32' };
  },
  lower({ out, attrs }) {
    const [rows, d] = out.shape;
    return {
      dispatches: [
        {
          kernel: mutateKernel,
          params: { n: rows * d, d, elites: attrs.elites },
          bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { output: true }],
          grid: grid1d(rows * d),
        },
      ],
    };
  },
  vjp: () => [null, null, null],
  reference: ([x, parents, eps], [sx], { elites }) => {
    const d = sx.shape[1];
    return x.map((_, i) => {
      const p = Math.floor(i / d);
      const v = x[parents[p] * d + (i % d)];
      return p < elites ? v : Math.fround(v + eps[i]);
    });
  },
};

/**
 * Parents of the next generation from `order` [P] (i32, best first, as `argsort` gives): members
 * 0..elites-1 copy the best `elites`; every other member draws its parent uniformly from the best
 * `top` with the Philox stream `seed` (a `RandomSeed` is re-read at every run).
 */
export function gaParents(order: Tensor, attrs: GaParentsAttrs): Tensor {
  return apply('ga_parents', [order], attrs);
}

/** Children x[parents[p]] + eps[p] ([P, D]); members p < elites copy their parent unmutated. */
export function gaMutate(x: Tensor, parents: Tensor, eps: Tensor, elites: number): Tensor {
  return apply('ga_mutate', [x, parents, eps], { elites });
}

declare module '../../graph/registry' {
  interface OpAttrs {
    ga_parents: GaParentsAttrs;
    ga_mutate: { readonly elites: number };
  }
}

registerOp('ga_parents', gaParentsDef);
registerOp('ga_mutate', gaMutateDef);
