/**
 * Complex products built from the real ones: cmatmul (a batched complex matrix product from four
 * real matmuls) and modeProduct (a tensor-times-matrix along one axis, as in a Tucker
 * decomposition). No kernel of their own: autodiff flows through matmul, real, imag and complex,
 * so gradients follow PyTorch's complex convention (dL/d re + i dL/d im).
 */
import { WgnoError, fmtShape } from '../errors';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { add, sub } from './binary';
import { complex, imag, real } from './complex';
import { reshape } from './layout';
import { matmul } from './matmul';

/**
 * Batched complex matrix product (no conjugation): a [..., M, K] @ b [..., K, N], batch dims
 * broadcast as in matmul; transA / transB read an operand transposed (not conjugated).
 *
 * @example
 * const y = cmatmul(u, x, { transA: true }); // u [C, r], x [B, C, K] -> [B, r, K]
 */
export function cmatmul(
  a: Tensor,
  b: Tensor,
  opts: { transA?: boolean; transB?: boolean } = {},
): Tensor {
  for (const [name, t] of [
    ['a', a],
    ['b', b],
  ] as const)
    if (t.dtype !== 'complex64')
      throw new WgnoError(
        'cmatmul',
        `${name} ${fmtShape(t.shape)} has dtype ${t.dtype}; cmatmul takes complex64 operands`,
      );
  const [ar, ai, br, bi] = [real(a), imag(a), real(b), imag(b)];
  const re = sub(matmul(ar, br, opts), matmul(ai, bi, opts));
  const im = add(matmul(ar, bi, opts), matmul(ai, br, opts));
  return complex(re, im);
}

/**
 * Mode-`axis` product of a complex tensor with a complex matrix u: the axis (size r) is replaced
 * by u's rows, y[.., k, ..] = sum_r u[k, r] t[.., r, ..]. With `transpose`, u is [r, k] and its
 * first axis is the one contracted: y[.., k, ..] = sum_r u[r, k] t[.., r, ..].
 *
 * @example
 * modeProduct(core, u2, 2); // core [r0, r1, r2, r3], u2 [k1, r2] -> [r0, r1, k1, r3]
 */
export function modeProduct(t: Tensor, u: Tensor, axis: number, transpose = false): Tensor {
  const s = t.shape;
  const [k, r] = transpose ? [u.shape[1], u.shape[0]] : [u.shape[0], u.shape[1]];
  if (u.shape.length !== 2 || axis < 0 || axis >= s.length || s[axis] !== r)
    throw new WgnoError(
      'modeProduct',
      `cannot contract axis ${axis} of ${fmtShape(s)} with matrix ${fmtShape(u.shape)}${transpose ? ' (transposed)' : ''}`,
    );
  const outer = numel(s.slice(0, axis));
  const inner = numel(s.slice(axis + 1));
  const y = cmatmul(u, reshape(t, [outer, r, inner]), { transA: transpose });
  return reshape(y, [...s.slice(0, axis), k, ...s.slice(axis + 1)]);
}
