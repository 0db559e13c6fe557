import { WgnoError, fmtShape } from '../errors';

/**
 * Element types. 'i32' holds index tensors (CSR neighbourhoods): they feed only the inputs an op
 * declares in `OpDef.indexInputs`, are never differentiated, and are made with `indexTensor()`.
 */
export type DType = FloatDType | 'i32';
/** The value dtypes: what parameters, activations and gradients hold. */
export type FloatDType = 'f32' | 'complex64';
/** Dimensions of a tensor, outermost first (row-major); [] is a scalar. */
export type Shape = readonly number[];

/** Shape and dtype of a tensor, the unit every shape rule works on. */
export interface TensorSpec {
  /** Dimensions, row-major. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
}

/** Highest rank any kernel supports; shape/stride uniforms are sized for it. */
export const MAX_RANK = 8;

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor's dtype where only value dtypes make sense (state dicts, checkpoints). */
export function floatDtype(op: string, spec: TensorSpec): FloatDType {
  if (spec.dtype === 'i32')
    throw new WgnoError(op, `an i32 index tensor ${fmtShape(spec.shape)} has no float value here`);
  return spec.dtype;
}

/** Bytes per element: complex64 is an interleaved (re, im) f32 pair; i32 is 4 bytes. */
export function elemBytes(dtype: DType): number {
  return dtype === 'complex64' ? 8 : 4;
}

export function byteSize(spec: TensorSpec): number {
  return numel(spec.shape) * elemBytes(spec.dtype);
}

/** Row-major (C-order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(op: string, arg: string, shape: Shape): void {
  if (shape.length > MAX_RANK) {
    throw new WgnoError(
      op,
      `${arg} has rank ${shape.length}; at most ${MAX_RANK} dimensions are supported`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) {
      throw new WgnoError(
        op,
        `${arg} has shape ${fmtShape(shape)}; every dimension must be an integer >= 1`,
      );
    }
  }
}

/** Resolve a possibly negative axis against a rank, with a clear error when out of range. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new WgnoError(
      op,
      `axis ${axis} is out of range for rank ${rank}; valid axes are ${-rank}..${rank - 1}`,
    );
  }
  return a;
}

/** NumPy broadcasting of two shapes (align trailing dimensions; 1 stretches). */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new WgnoError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dimension ${i} of the result: ${da} vs ${db}; sizes must match or one must be 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides to read an input of shape `src` broadcast to `dst` (0 along stretched axes). */
export function broadcastStrides(src: Shape, dst: Shape): number[] {
  const s = stridesOf(src);
  const off = dst.length - src.length;
  return dst.map((d, i) => (i < off || src[i - off] === 1 ? 0 : s[i - off]));
}

/**
 * The same strided walk over fewer axes: drops size-1 axes and merges an axis into the next one
 * wherever every operand steps contiguously across both (stride[k] = stride[k+1] * shape[k+1],
 * which holds for two broadcast axes too). Elementwise kernels do one div/mod per remaining axis
 * and get the count as a pipeline constant (override RANK), so a same-shape add is one flat axis.
 */
export function coalesce(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  shape.forEach((d, k) => {
    if (d === 1) return;
    const last = sh.length - 1;
    if (last >= 0 && strides.every((s, j) => st[j][last] === s[k] * d)) {
      sh[last] *= d;
      strides.forEach((s, j) => (st[j][last] = s[k]));
    } else {
      sh.push(d);
      strides.forEach((s, j) => st[j].push(s[k]));
    }
  });
  return sh.length ? { shape: sh, strides: st } : { shape: [1], strides: strides.map(() => [0]) };
}
