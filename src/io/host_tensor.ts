import { WgnoError, fmtShape } from '../errors';

/**
 * A tensor in CPU memory, as read from or written to a weight file.
 *
 * Layout: row-major (C order). For `complex64`, `shape` is the logical shape and `data` holds
 * numel * 2 floats, each element as an interleaved (re, im) pair, the layout PyTorch uses for
 * complex64 and the one wgno's spectral kernels read.
 */
export interface HostTensor {
  /** complex64 stores interleaved (re, im) pairs: data holds 2 floats per element. */
  dtype: 'f32' | 'complex64';
  /** Dimensions, row-major (the last varies fastest). */
  shape: number[];
  /** The values, row-major. */
  data: Float32Array;
}

/** Product of the dimensions; 1 for a scalar (shape []). */
export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** True when `shape` is an array of non-negative safe integers whose product is a safe integer. */
export function isValidShape(shape: unknown): shape is number[] {
  if (!Array.isArray(shape)) return false;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return false;
    n *= d;
  }
  return Number.isSafeInteger(n);
}

/** Throws a WgnoError (for `op`) unless `t` is a well-formed HostTensor; `name` is for messages. */
export function checkHostTensor(op: string, name: string, t: HostTensor): void {
  if (t.dtype !== 'f32' && t.dtype !== 'complex64') {
    throw new WgnoError(
      op,
      `tensor '${name}' has dtype '${String(t.dtype)}'; use 'f32' or 'complex64'`,
    );
  }
  if (!isValidShape(t.shape)) {
    throw new WgnoError(op, `tensor '${name}' shape must be a list of non-negative integers`);
  }
  if (!(t.data instanceof Float32Array)) {
    throw new WgnoError(op, `tensor '${name}' data must be a Float32Array`);
  }
  const want = numelOf(t.shape) * (t.dtype === 'complex64' ? 2 : 1);
  if (t.data.length !== want) {
    throw new WgnoError(
      op,
      `tensor '${name}' (${t.dtype}, shape ${fmtShape(t.shape)}) needs ${want} floats, ` +
        `data has ${t.data.length}`,
    );
  }
}

/**
 * Views a tensor as complex64. Complex weights may arrive as C64 or as F32 with a trailing
 * dimension of 2 holding (re, im) (older neuralop files, `torch.view_as_real`); both give the
 * same interleaved layout, so the F32 case shares `data` without copying.
 *
 * @example
 * asComplex({ dtype: 'f32', shape: [4, 2], data }) // -> { dtype: 'complex64', shape: [4], data }
 */
export function asComplex(t: HostTensor): HostTensor {
  if (t.dtype === 'complex64') return t;
  if (t.shape.length === 0 || t.shape[t.shape.length - 1] !== 2) {
    throw new WgnoError(
      'asComplex',
      `an f32 tensor can be viewed as complex only if its last dimension is 2 (re, im); ` +
        `got shape ${fmtShape(t.shape)}`,
    );
  }
  return { dtype: 'complex64', shape: t.shape.slice(0, -1), data: t.data };
}
