/**
 * Layout ops that move elements without arithmetic: reshape (a view, no kernel), and permute and
 * broadcast_to, which share one strided-copy kernel (kernels/strided_copy.wgsl). All take f32 and
 * complex64 (an element is 1 or 2 f32 words; override W).
 */
import { WgnoError, fmtShape } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import {
  coalesce,
  broadcastStrides,
  elemBytes,
  checkShape,
  normAxis,
  numel,
  sameShape,
  stridesOf,
  type DType,
  type Shape,
  type TensorSpec,
} from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/strided_copy.wgsl?raw';
import type { Dispatch, OpDef } from '../graph/op';
import { perElement } from './cost';

export const stridedCopyParams = new UniformLayout('StridedCopyParams', {
  n: 'u32',
  shape: { vec4: 'u32', length: 8 },
  strides: { vec4: 'u32', length: 8 },
});
const kernel = defineKernel({
  name: 'strided_copy',
  source,
  params: stridedCopyParams,
  storage: ['read', 'read_write'],
});

/** f32 words per element: complex64 is an interleaved (re, im) pair. */
export const wordsOf = (dtype: DType): number => (dtype === 'complex64' ? 2 : 1);

/** One strided-copy dispatch producing `out` from input 0 read through `strides`. */
function stridedCopy(out: TensorSpec, strides: readonly number[]): Dispatch {
  const c = coalesce(out.shape, [strides]);
  const n = numel(out.shape);
  return {
    kernel,
    overrides: { W: wordsOf(out.dtype), RANK: c.shape.length },
    params: { n, shape: c.shape, strides: c.strides[0] },
    bindings: [{ input: 0 }, { output: true }],
    grid: grid1d(n),
    // Each output element reads one input element (a broadcast reads one many times).
    cost: perElement(n, { read: elemBytes(out.dtype), write: elemBytes(out.dtype), flops: 0 }),
  };
}

/** float64 twin of the kernel: out[i] = x[sum_k coord_k(i) * strides[k]], W words per element. */
function stridedCopyRef(
  x: Float64Array,
  out: TensorSpec,
  strides: readonly number[],
): Float64Array {
  const w = wordsOf(out.dtype);
  const n = numel(out.shape);
  const y = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let src = 0;
    for (let k = out.shape.length - 1; k >= 0; k--) {
      src += (rem % out.shape[k]) * strides[k];
      rem = Math.floor(rem / out.shape[k]);
    }
    for (let c = 0; c < w; c++) y[i * w + c] = x[src * w + c];
  }
  return y;
}

/** Resolve a target shape with at most one -1 against an element count. */
function resolveShape(from: Shape, to: Shape): number[] {
  const n = numel(from);
  const bad = () =>
    new WgnoError('reshape', `cannot reshape ${fmtShape(from)} (${n} elements) to ${fmtShape(to)}`);
  const holes = to.filter((d) => d === -1).length;
  if (holes > 1)
    throw new WgnoError(
      'reshape',
      `shape ${fmtShape(to)} has ${holes} entries of -1; at most one may be inferred`,
    );
  if (to.some((d) => d !== -1 && (!Number.isInteger(d) || d < 1))) {
    throw new WgnoError(
      'reshape',
      `shape ${fmtShape(to)} is invalid; entries must be integers >= 1, or a single -1`,
    );
  }
  const known = numel(to.filter((d) => d !== -1));
  if (holes === 0 ? known !== n : n % known !== 0) throw bad();
  const shape = to.map((d) => (d === -1 ? n / known : d));
  checkShape('reshape', 'shape', shape);
  return shape;
}

export const reshapeDef: OpDef<{ readonly shape: Shape }> = {
  name: 'reshape',
  view: true,
  infer: ([x], { shape }) => ({ shape: resolveShape(x.shape, shape), dtype: x.dtype }),
  lower: () => ({ dispatches: [] }),
  vjp: ({ g, inputs: [x] }) => [reshape(g, x.shape)],
  reference: ([x]) => x.slice(),
};

function checkPerm(perm: readonly number[], rank: number): void {
  const seen = new Set(perm);
  const ok =
    perm.length === rank &&
    seen.size === rank &&
    perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank);
  if (!ok) {
    const valid = Array.from({ length: rank }, (_, i) => i).join(', ');
    throw new WgnoError(
      'permute',
      `perm [${perm.join(', ')}] is not a permutation of the ${rank} axes (an ordering of ${valid})`,
    );
  }
}

/** Input strides in output-axis order: output axis k walks input axis perm[k]. */
const permStrides = (x: TensorSpec, perm: readonly number[]): number[] =>
  perm.map((p) => stridesOf(x.shape)[p]);

export const permuteDef: OpDef<{ readonly perm: readonly number[] }> = {
  name: 'permute',
  infer([x], { perm }) {
    checkPerm(perm, x.shape.length);
    return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
  },
  lower: ({ inputs: [x], out, attrs }) => ({
    dispatches: [stridedCopy(out, permStrides(x, attrs.perm))],
  }),
  vjp({ g, attrs: { perm } }) {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, k) => (inv[p] = k));
    return [permute(g, inv)];
  },
  reference: ([x], [sx], { perm }, out) => stridedCopyRef(x, out, permStrides(sx, perm)),
};

export const broadcastToDef: OpDef<{ readonly shape: Shape }> = {
  name: 'broadcast_to',
  infer([x], { shape }) {
    checkShape('broadcast_to', 'shape', shape);
    const off = shape.length - x.shape.length;
    const bad = x.shape.findIndex((d, i) => d !== 1 && d !== shape[i + off]);
    if (off < 0 || bad >= 0) {
      const why =
        off < 0
          ? 'the target has lower rank'
          : `input dimension ${bad} is ${x.shape[bad]} vs ${shape[bad + off]}; it must match or be 1`;
      throw new WgnoError(
        'broadcast_to',
        `cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)} (${why})`,
      );
    }
    return { shape: [...shape], dtype: x.dtype };
  },
  lower: ({ inputs: [x], out }) => ({
    dispatches: [stridedCopy(out, broadcastStrides(x.shape, out.shape))],
  }),
  vjp: ({ g, inputs: [x] }) => [sumTo(g, x.shape)],
  reference: ([x], [sx], _a, out) => stridedCopyRef(x, out, broadcastStrides(sx.shape, out.shape)),
};

/**
 * The same elements in a new shape (row-major order kept); one entry may be -1 (inferred).
 * A view: no kernel runs. @example reshape(x, [2, -1]) // [2, 3, 4] -> [2, 12]
 */
export const reshape = (x: Tensor, shape: Shape): Tensor =>
  apply('reshape', [x], { shape: [...shape] });

/** Reorder axes: output axis k is input axis perm[k]. @example permute(x, [0, 2, 1]) // [B, C, N] -> [B, N, C] */
export const permute = (x: Tensor, perm: readonly number[]): Tensor =>
  apply('permute', [x], { perm: [...perm] });

/** Broadcast to `shape` by NumPy rules (leading axes added, size-1 axes stretched). @example broadcastTo(b, [8, 4]) // [4] -> [8, 4] */
export const broadcastTo = (x: Tensor, shape: Shape): Tensor =>
  apply('broadcast_to', [x], { shape: [...shape] });

/** Swap axes a and b (negative axes count from the end). @example transpose(x, -1, -2) */
export function transpose(x: Tensor, a: number, b: number): Tensor {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  const i = normAxis('transpose', a, r);
  const j = normAxis('transpose', b, r);
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return permute(x, perm);
}

/** Merge axes start..end (inclusive, negative from the end) into one. @example flatten(x, 1) // [B, C, H, W] -> [B, C*H*W] */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  const r = x.shape.length;
  const s = normAxis('flatten', start, r);
  const e = normAxis('flatten', end, r);
  if (e < s)
    throw new WgnoError(
      'flatten',
      `end axis ${end} comes before start axis ${start} for shape ${fmtShape(x.shape)}`,
    );
  return reshape(x, [
    ...x.shape.slice(0, s),
    numel(x.shape.slice(s, e + 1)),
    ...x.shape.slice(e + 1),
  ]);
}

/** Insert a size-1 axis at `axis` (-rank-1..rank). @example unsqueeze(x, 0) // [C, N] -> [1, C, N] */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis('unsqueeze', axis, x.shape.length + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Remove a size-1 axis (or every size-1 axis when none is named). @example squeeze(x, 0) // [1, C, N] -> [C, N] */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const a = normAxis('squeeze', axis, x.shape.length);
  if (x.shape[a] !== 1)
    throw new WgnoError(
      'squeeze',
      `axis ${axis} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`,
    );
  return reshape(x, [...x.shape.slice(0, a), ...x.shape.slice(a + 1)]);
}

/** Sum a broadcast gradient back to the shape of the input it came from. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  // By name: reduce.ts imports this module (sum's VJP broadcasts), so sum is not imported here.
  if (g.dtype !== 'complex64') return reshape(apply('sum', [g], { axes, keepdim: true }), shape);
  // sum is f32 only: reduce the (re, im) pairs, whose trailing axis of 2 is never summed.
  const pairs = apply('sum', [apply('view_as_real', [g], {})], { axes, keepdim: true });
  return apply('view_as_complex', [reshape(pairs, [...shape, 2])], {});
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** Same elements, new shape (a view: no kernel). */
    reshape: { readonly shape: Shape };
    permute: { readonly perm: readonly number[] };
    broadcast_to: { readonly shape: Shape };
  }
}

registerOp('reshape', reshapeDef);
registerOp('permute', permuteDef);
registerOp('broadcast_to', broadcastToDef);
