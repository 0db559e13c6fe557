import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import { numel, stridesOf, type Shape, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { WORKGROUP_SIZE, defineKernel, grid1d, splitRange } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/reduce.wgsl?raw';
import { requireF32 } from './elementwise';
import { broadcastTo, reshape } from './layout';
import type { OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';
import { affine, sqrt, square } from './unary';

type SumAttrs = OpAttrs['sum'];

/**
 * Kept and reduced axis groups, 4 slots each: after merging neighbours of the same kind and
 * dropping size-1 axes, a rank-8 input alternates into at most 4 groups of either kind.
 */
export const reduceParams = new UniformLayout('ReduceParams', {
  n_out: 'u32',
  r: 'u32',
  chunk: 'u32',
  chunks: 'u32',
  kept_rank: 'u32',
  red_rank: 'u32',
  kept_shape: { vec4: 'u32', length: 4 },
  kept_strides: { vec4: 'u32', length: 4 },
  red_shape: { vec4: 'u32', length: 4 },
  red_strides: { vec4: 'u32', length: 4 },
});
const storage = ['read', 'read_write'] as const;
const perThread = defineKernel({
  name: 'reduce',
  entry: 'per_thread',
  source,
  params: reduceParams,
  storage,
});
const perGroup = defineKernel({
  name: 'reduce',
  entry: 'per_group',
  source,
  params: reduceParams,
  storage,
});

/**
 * Reductions this short (or this many outputs with moderate R) run one thread per output. Longer
 * ones over contiguous rows get a workgroup each on GPUs; all others are cut into chunks of at
 * least MIN_CHUNK, enough to give about CHUNK_THREADS threads, whose partial sums a second pass
 * adds. Every order is fixed by the shape and the adapter class, so results are bitwise repeatable.
 */
const SHORT_R = 32;
const MANY_OUTPUTS = 8192;
const MODERATE_R = 512;
const MIN_CHUNK = 64;
const CHUNK_THREADS = { lane: 2048, workgroup: 16384 };

interface Group {
  size: number;
  stride: number;
  reduced: boolean;
}

/** Merge adjacent axes of one kind (their strides chain) and drop size-1 axes. */
export function axisGroups(shape: Shape, axes: readonly number[]): Group[] {
  const strides = stridesOf(shape);
  const groups: Group[] = [];
  shape.forEach((size, i) => {
    if (size === 1) return;
    const reduced = axes.includes(i);
    const last = groups[groups.length - 1];
    if (last && last.reduced === reduced) {
      last.size *= size;
      last.stride = strides[i];
    } else {
      groups.push({ size, stride: strides[i], reduced });
    }
  });
  return groups;
}

function outShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * ReduceParams for kept and reduced groups, each thread summing `chunk` consecutive reduced
 * elements (all of them by default: one pass).
 */
function reduceParamsOf(kept: readonly Group[], red: readonly Group[], chunk?: number) {
  const r = numel(red.map((g) => g.size));
  return {
    n_out: numel(kept.map((g) => g.size)),
    r,
    chunk: chunk ?? r,
    chunks: Math.ceil(r / (chunk ?? r)),
    kept_rank: kept.length,
    red_rank: red.length,
    kept_shape: kept.map((g) => g.size),
    kept_strides: kept.map((g) => g.stride),
    red_shape: red.map((g) => g.size),
    red_strides: red.map((g) => g.stride),
  };
}

export const sumDef: OpDef<SumAttrs> = {
  name: 'sum',
  infer([x], { axes, keepdim }) {
    requireF32('sum', [x]);
    axes.forEach((a, i) => {
      if (!Number.isInteger(a) || a < 0 || a >= x.shape.length || (i > 0 && a <= axes[i - 1])) {
        throw new WgnoError(
          'sum',
          `axes [${axes.join(', ')}] must be sorted, unique and in 0..${x.shape.length - 1} for input ${fmtShape(x.shape)}`,
        );
      }
    });
    return { shape: outShape(x.shape, axes, keepdim), dtype: 'f32' };
  },
  lower({ inputs: [x], out, attrs, target }) {
    const groups = axisGroups(x.shape, attrs.axes);
    const kept = groups.filter((g) => !g.reduced);
    const red = groups.filter((g) => g.reduced);
    if (red.length === 0) red.push({ size: 1, stride: 0, reduced: true }); // only size-1 axes
    const nOut = numel(out.shape);
    const r = numel(red.map((g) => g.size));
    const io = [{ input: 0 }, { output: true as const }];
    // Every element read once and added once; the output (or the partials) written once.
    const cost = { read: 4 * nOut * r, write: 4 * nOut, flops: nOut * r };
    const short = r <= SHORT_R || (nOut >= MANY_OUTPUTS && r <= MODERATE_R);
    if (!short && target.kernels === 'workgroup' && red[red.length - 1].stride === 1) {
      // grid1d(nOut * WG) yields exactly nOut workgroups (folded into y when needed).
      const dispatch = { kernel: perGroup, params: reduceParamsOf(kept, red), bindings: io, cost };
      return { dispatches: [{ ...dispatch, grid: grid1d(nOut * WORKGROUP_SIZE) }] };
    }
    const wanted = short ? 1 : Math.ceil(CHUNK_THREADS[target.kernels] / nOut);
    const { chunk, count: chunks } = splitRange(r, wanted, MIN_CHUNK);
    if (chunks === 1) {
      const dispatch = { kernel: perThread, params: reduceParamsOf(kept, red), bindings: io, cost };
      return { dispatches: [{ ...dispatch, grid: grid1d(nOut) }] };
    }
    // Pass 2 sums the [chunks, nOut] partials over chunks, in ascending order.
    const partials = reduceParamsOf(
      [{ size: nOut, stride: 1, reduced: false }],
      [{ size: chunks, stride: nOut, reduced: true }],
    );
    return {
      dispatches: [
        {
          kernel: perThread,
          params: reduceParamsOf(kept, red, chunk),
          bindings: [{ input: 0 }, { scratch: 0 }],
          grid: grid1d(nOut * chunks),
          cost: { ...cost, write: 4 * nOut * chunks },
        },
        {
          kernel: perThread,
          params: partials,
          bindings: [{ scratch: 0 }, io[1]],
          grid: grid1d(nOut),
          cost: { read: 4 * nOut * chunks, write: 4 * nOut, flops: nOut * chunks },
        },
      ],
      scratch: [4 * nOut * chunks],
    };
  },
  // d sum / dx: every input element receives the gradient of the output it was summed into.
  vjp({ g, inputs: [x], attrs }) {
    const kept = attrs.keepdim ? g : reshape(g, outShape(x.shape, attrs.axes, true));
    return [broadcastTo(kept, x.shape)];
  },
  // Independent of axisGroups: each input element adds into the output its kept indices name.
  reference([x], [spec], { axes }, out) {
    const shape = spec.shape;
    const outStrides = stridesOf(outShape(shape, axes, true));
    const y = new Float64Array(numel(out.shape));
    for (let i = 0; i < x.length; i++) {
      let rem = i;
      let o = 0;
      for (let k = shape.length - 1; k >= 0; k--) {
        if (!axes.includes(k)) o += (rem % shape[k]) * outStrides[k];
        rem = Math.floor(rem / shape[k]);
      }
      y[o] += x[i];
    }
    return y;
  },
};

/** Resolve user axes (a number, a list, or undefined for all) to sorted unique non-negative axes. */
function normalizeAxes(
  op: string,
  spec: TensorSpec,
  axes: number | readonly number[] | undefined,
): number[] {
  const rank = spec.shape.length;
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : axes;
  const seen = new Set<number>();
  for (const a of list) {
    const n = a < 0 ? a + rank : a;
    if (!Number.isInteger(a) || n < 0 || n >= rank) {
      throw new WgnoError(
        op,
        `axis ${a} is out of range for input ${fmtShape(spec.shape)} of rank ${rank}; valid axes are ${-rank}..${rank - 1}`,
      );
    }
    if (seen.has(n)) {
      throw new WgnoError(
        op,
        `axis ${a} is repeated in [${list.join(', ')}] for input ${fmtShape(spec.shape)} of rank ${rank}`,
      );
    }
    seen.add(n);
  }
  return [...seen].sort((p, q) => p - q);
}

/**
 * Sum over `axes` (default: all; negative axes count from the end; `[]` reduces nothing, as in
 * NumPy). keepdim keeps the reduced axes as size 1.
 *
 * @example
 * const s = sum(x, -1, true); // x [B, C, N] -> [B, C, 1]
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  return apply('sum', [x], { axes: normalizeAxes('sum', x, axes), keepdim });
}

/** Mean over `axes` (default: all), like `sum` divided by the number of elements summed. */
export function mean(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const ax = normalizeAxes('mean', x, axes);
  const count = numel(ax.map((a) => x.shape[a]));
  return affine(sum(x, ax, keepdim), 1 / count, 0);
}

/** Euclidean norm over `axes` (default: all): sqrt(sum(x^2)). Its gradient is infinite at 0. */
export function l2Norm(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const ax = normalizeAxes('l2_norm', x, axes);
  return sqrt(sum(square(x), ax, keepdim));
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** Sum over `axes` (sorted, non-negative, unique); keepdim keeps them as size 1. */
    sum: { readonly axes: readonly number[]; readonly keepdim: boolean };
  }
}

registerOp('sum', sumDef);
