/**
 * pad and slice: two windows onto one array, sharing the window-copy kernel (kernels/pad.wgsl).
 * Each is the other's transpose: the VJP of slice is a zero pad, the VJP of pad is a crop made of
 * slices. f32 and complex64 (an element is 1 or 2 f32 words; override W).
 */
import { WgnoError, fmtShape } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import {
  byteSize,
  elemBytes,
  normAxis,
  numel,
  stridesOf,
  type Shape,
  type TensorSpec,
} from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/pad.wgsl?raw';
import { wordsOf } from './layout';
import type { Dispatch, OpDef } from '../graph/op';

export const windowParams = new UniformLayout('WindowParams', {
  n: 'u32',
  rank: 'u32',
  out_shape: { vec4: 'u32', length: 8 },
  in_shape: { vec4: 'u32', length: 8 },
  in_strides: { vec4: 'u32', length: 8 },
  offset: { vec4: 'i32', length: 8 },
});
const kernel = defineKernel({
  name: 'pad',
  source,
  params: windowParams,
  storage: ['read', 'read_write'],
});

export interface PadAttrs {
  readonly before: readonly number[];
  readonly after: readonly number[];
}
export interface SliceAttrs {
  readonly axis: number;
  readonly start: number;
  readonly end: number;
}

/** Output coordinate c reads input coordinate c + offset (per axis), zero outside the input. */
function windowCopy(x: TensorSpec, out: TensorSpec, offset: readonly number[]): Dispatch {
  const n = numel(out.shape);
  return {
    kernel,
    overrides: { W: wordsOf(out.dtype) },
    params: {
      n,
      rank: out.shape.length,
      out_shape: out.shape,
      in_shape: x.shape,
      in_strides: stridesOf(x.shape),
      offset,
    },
    bindings: [{ input: 0 }, { output: true }],
    grid: grid1d(n),
    // Only the window's overlap with the input is read; zero-fill costs no read.
    cost: {
      read: inside(x.shape, out.shape, offset) * elemBytes(x.dtype),
      write: byteSize(out),
      flops: 0,
    },
  };
}

/** Output elements whose source c + offset lies inside the input. */
function inside(xs: readonly number[], os: readonly number[], offset: readonly number[]): number {
  return os.reduce(
    (n, d, k) => n * Math.max(0, Math.min(d + offset[k], xs[k]) - Math.max(offset[k], 0)),
    1,
  );
}

/** float64 twin of the kernel. */
function windowCopyRef(
  x: Float64Array,
  sx: TensorSpec,
  out: TensorSpec,
  offset: readonly number[],
): Float64Array {
  const w = wordsOf(out.dtype);
  const strides = stridesOf(sx.shape);
  const n = numel(out.shape);
  const y = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let src = 0;
    let inside = true;
    for (let k = out.shape.length - 1; k >= 0; k--) {
      const s = (rem % out.shape[k]) + offset[k];
      rem = Math.floor(rem / out.shape[k]);
      inside &&= s >= 0 && s < sx.shape[k];
      src += s * strides[k];
    }
    if (inside) for (let c = 0; c < w; c++) y[i * w + c] = x[src * w + c];
  }
  return y;
}

function checkWidths(op: string, shape: Shape, { before, after }: PadAttrs): void {
  for (const [name, v] of [
    ['before', before],
    ['after', after],
  ] as const) {
    if (v.length !== shape.length) {
      throw new WgnoError(
        op,
        `${name} has ${v.length} entries but the input ${fmtShape(shape)} has rank ${shape.length}; give one entry per axis`,
      );
    }
    const k = v.findIndex((p) => !Number.isInteger(p) || p < 0);
    if (k >= 0)
      throw new WgnoError(
        op,
        `${name}[${k}] = ${v[k]} for input ${fmtShape(shape)}; widths must be non-negative integers`,
      );
  }
}

export const padDef: OpDef<PadAttrs> = {
  name: 'pad',
  infer([x], attrs) {
    checkWidths('pad', x.shape, attrs);
    return { shape: x.shape.map((d, i) => attrs.before[i] + d + attrs.after[i]), dtype: x.dtype };
  },
  lower: ({ inputs: [x], out, attrs }) => ({
    dispatches: [
      windowCopy(
        x,
        out,
        attrs.before.map((b) => -b),
      ),
    ],
  }),
  vjp: ({ g, attrs }) => [crop(g, attrs.before, attrs.after)],
  reference: ([x], [sx], attrs, out) =>
    windowCopyRef(
      x,
      sx,
      out,
      attrs.before.map((b) => -b),
    ),
};

function sliceOffset(rank: number, { axis, start }: SliceAttrs): number[] {
  const off = new Array<number>(rank).fill(0);
  off[axis] = start;
  return off;
}

export const sliceDef: OpDef<SliceAttrs> = {
  name: 'slice',
  infer([x], { axis, start, end }) {
    const a = normAxis('slice', axis, x.shape.length);
    if (a !== axis)
      throw new WgnoError(
        'slice',
        `axis ${axis} must be normalized to 0..${x.shape.length - 1} (use slice(), which does this)`,
      );
    const d = x.shape[a];
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end > d ||
      start >= end
    ) {
      throw new WgnoError(
        'slice',
        `range ${start}..${end} along axis ${axis} of ${fmtShape(x.shape)} is invalid; need integers 0 <= start < end <= ${d}`,
      );
    }
    return { shape: x.shape.map((n, i) => (i === a ? end - start : n)), dtype: x.dtype };
  },
  lower: ({ inputs: [x], out, attrs }) => ({
    dispatches: [windowCopy(x, out, sliceOffset(x.shape.length, attrs))],
  }),
  vjp({ g, inputs: [x], attrs: { axis, start, end } }) {
    const before = x.shape.map((_, i) => (i === axis ? start : 0));
    const after = x.shape.map((d, i) => (i === axis ? d - end : 0));
    return [pad(g, before, after)];
  },
  reference: ([x], [sx], attrs, out) =>
    windowCopyRef(x, sx, out, sliceOffset(sx.shape.length, attrs)),
};

/**
 * Zero padding: `before[i]` zeros ahead of and `after[i]` zeros behind the data on axis i
 * (one entry per axis). @example pad(x, [0, 0, 2], [0, 0, 3]) // [B, C, 8] -> [B, C, 13]
 */
export const pad = (x: Tensor, before: readonly number[], after: readonly number[]): Tensor =>
  apply('pad', [x], { before: [...before], after: [...after] });

/**
 * Elements start..end-1 along `axis` (negative axes count from the end).
 * @example slice(x, -1, 0, 16) // [B, C, 64] -> [B, C, 16]
 */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  return apply('slice', [x], { axis: normAxis('slice', axis, x.shape.length), start, end });
}

/**
 * Drop `before[i]` leading and `after[i]` trailing entries of axis i: the inverse of pad, as
 * used to undo FNO domain padding. @example crop(pad(x, b, a), b, a) // == x
 */
export function crop(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  checkWidths('crop', x.shape, { before, after });
  const k = x.shape.findIndex((d, i) => before[i] + after[i] >= d);
  if (k >= 0)
    throw new WgnoError(
      'crop',
      `cropping ${before[k]} + ${after[k]} from axis ${k} of ${fmtShape(x.shape)} leaves nothing`,
    );
  let y = x;
  x.shape.forEach((d, i) => {
    if (before[i] || after[i]) y = slice(y, i, before[i], d - after[i]);
  });
  return y;
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** Elements start..end-1 along one axis. */
    slice: { readonly axis: number; readonly start: number; readonly end: number };
    /** Zero padding of `before[i]`/`after[i]` entries on axis i. */
    pad: { readonly before: readonly number[]; readonly after: readonly number[] };
  }
}

registerOp('slice', sliceDef);
registerOp('pad', padDef);
