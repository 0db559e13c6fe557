/**
 * Ranking a population's scores on the GPU (kernels/topk.wgsl): `argsort` (the order, best first,
 * ties to the lower index, NaN last, below -infinity) and `centredRanks` (OpenAI-ES's rank
 * transform), for up to 2048 scores, so a generation's selection needs no readback. One
 * invocation per score counts the scores ranked before it (n^2 comparisons; both lowerings, as a
 * population's n is small). Both are piecewise constant: no gradient flows through them.
 */
import { WgnoError } from '../errors';
import { registerOp, type NoAttrs } from '../graph/registry';
import { apply } from '../graph/apply';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import type { OpDef } from '../graph/op';
import type { TensorSpec } from '../graph/shape';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/topk.wgsl?raw';

/** The most scores one ranking takes (the n^2 count stays in the microseconds on a GPU). */
export const MAX_SORT = 2048;

export const topkParams = new UniformLayout('TopkParams', { n: 'u32' });
const entry = (e: string) =>
  defineKernel({
    name: 'topk',
    entry: e,
    source,
    params: topkParams,
    storage: ['read', 'read_write'],
  });
const kernels = { argsort: entry('argsort'), centred_ranks: entry('centred_ranks') };

/** The order of scores `s`, best first: larger score, then lower index; NaN last (below -infinity). */
export function hostArgsort(s: ArrayLike<number>): number[] {
  const key = (i: number) => (Number.isNaN(s[i]) ? -Infinity : s[i]);
  const nan = (i: number) => (Number.isNaN(s[i]) ? 1 : 0);
  const cmp = (a: number, b: number) =>
    nan(a) - nan(b) || (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : 0);
  return Array.from({ length: s.length }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b);
}

/** Centred ranks of `s` in float64: rank / (n - 1) - 0.5 with rank 0 the worst (0 when n = 1). */
export function hostCentredRanks(s: ArrayLike<number>): Float64Array {
  const n = s.length;
  const out = new Float64Array(n);
  hostArgsort(s).forEach((i, r) => (out[i] = n > 1 ? (n - 1 - r) / (n - 1) - 0.5 : 0));
  return out;
}

function rankDef(name: 'argsort' | 'centred_ranks'): OpDef<NoAttrs> {
  return {
    name,
    infer([x]: readonly TensorSpec[]) {
      if (x.dtype !== 'f32' || x.shape.length !== 1 || x.shape[0] > MAX_SORT)
        throw new WgnoError(
          name,
          `scores must be f32 [n] with 1 <= n <= ${MAX_SORT}, got ${x.dtype} [${x.shape.join(', ')}]`,
        );
      return { shape: [...x.shape], dtype: name === 'argsort' ? 'i32' : 'f32' };
    },
    lower({ out }) {
      const n = numel(out.shape);
      return {
        dispatches: [
          {
            kernel: kernels[name],
            params: { n },
            bindings: [{ input: 0 }, { output: true }],
            grid: grid1d(n),
            cost: { read: 4 * n * (n + 1), write: 4 * n, flops: 0 },
          },
        ],
      };
    },
    vjp: () => [null], // piecewise constant in the scores
    reference: ([x]) =>
      name === 'argsort' ? Float64Array.from(hostArgsort(x)) : hostCentredRanks(x),
  };
}

/**
 * The order of the scores x [n] (n <= 2048), best first (larger score, then lower index; NaN
 * last), as an i32 index tensor: its first k entries are the top k.
 * @example
 * const order = argsort(fitness); // await order.readIndices(): [best, second, ...]
 */
export function argsort(x: Tensor): Tensor {
  return apply('argsort', [x], {});
}

/**
 * OpenAI-ES's centred rank transform of x [n] (n <= 2048): rank / (n - 1) - 0.5, the best score
 * +0.5 and the worst -0.5, ties ranked by index as `argsort`.
 * @example
 * const u = centredRanks(fitness); // f32 [n] in [-0.5, 0.5]
 */
export function centredRanks(x: Tensor): Tensor {
  return apply('centred_ranks', [x], {});
}

declare module '../graph/registry' {
  interface OpAttrs {
    argsort: NoAttrs;
    centred_ranks: NoAttrs;
  }
}

// Exported (not inlined into registerOp) so that the bundled declarations keep this module's
// NoAttrs import, which the OpAttrs block above refers to (scripts/build-types.mjs).
export const argsortDef: OpDef<NoAttrs> = rankDef('argsort');
export const centredRanksDef: OpDef<NoAttrs> = rankDef('centred_ranks');

registerOp('argsort', argsortDef);
registerOp('centred_ranks', centredRanksDef);
