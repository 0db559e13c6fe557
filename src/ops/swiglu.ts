/**
 * SwiGLU, the gated unit of GAOT's and Llama's feed-forward blocks (Shazeer, "GLU Variants
 * Improve Transformer", 2020): swiglu(a, b) = silu(a) * b with silu(a) = a * sigmoid(a). In
 * GAOT's FFN, a = x W1^T and b = x W3^T, and the block returns swiglu(a, b) W2^T.
 *
 * Composed from registered ops (sigmoid, mul), so its gradient and second order come from theirs;
 * the matmuls around it dominate the cost of an FFN.
 */
import type { Tensor } from '../graph/tensor';
import { mul } from './binary';
import { sigmoid } from './unary';

/**
 * silu(a) * b, elementwise (a and b broadcast as in `mul`).
 *
 * @example
 * const h = matmul(swiglu(matmul(x, w1, { transB: true }), matmul(x, w3, { transB: true })), w2, {
 *   transB: true,
 * }); // GAOT's FFN: w2(silu(w1 x) * w3 x)
 */
export function swiglu(a: Tensor, b: Tensor): Tensor {
  return mul(silu(a), b);
}

/** silu(x) = x * sigmoid(x) (also called swish). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}
