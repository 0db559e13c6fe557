/**
 * matmul's float64 reference, and the shape rule it shares with the op's definition and lowering
 * (matmul.ts): the logical M, K, N of both operands and their broadcast batch shape.
 */
import { WgnoError, fmtShape } from '../errors';
import type { OpAttrs } from '../graph/registry';
import { broadcastStrides, numel, stridesOf, type Shape, type TensorSpec } from '../graph/shape';

type MatmulAttrs = OpAttrs['matmul'];

/** The logical matrix dims of both operands and the broadcast batch shape. */
export interface Dims {
  m: number;
  k: number;
  n: number;
  batch: number[];
  /** The operands as error messages name them. */
  show: string;
}

export function dims(a: Shape, b: Shape, { transA, transB }: MatmulAttrs): Dims {
  const show = `a ${fmtShape(a)}${transA ? ' (transA)' : ''} and b ${fmtShape(b)}${transB ? ' (transB)' : ''}`;
  if (a.length < 2 || b.length < 2) {
    throw new WgnoError(
      'matmul',
      `${show}: both operands need rank >= 2 ([..., rows, cols]); reshape a vector to [1, K] or [K, 1]`,
    );
  }
  const [ar, ac] = a.slice(-2);
  const [br, bc] = b.slice(-2);
  const [m, ka] = transA ? [ac, ar] : [ar, ac];
  const [kb, n] = transB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    throw new WgnoError(
      'matmul',
      `${show}: inner dimensions differ (K = ${ka} from a, ${kb} from b); they must be equal`,
    );
  }
  const ba = a.slice(0, -2);
  const bb = b.slice(0, -2);
  const r = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = ba[ba.length - r + i] ?? 1;
    const db = bb[bb.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new WgnoError(
        'matmul',
        `${show}: batch dimensions do not broadcast (batch dim ${i}: ${da} vs ${db}; sizes must match or one must be 1)`,
      );
    }
    batch.push(da === 1 ? db : da);
  }
  return { m, k: ka, n, batch, show };
}

/** Element strides of an operand's batch dims read at the broadcast batch shape (0 where stretched). */
export function batchStrides(shape: Shape, batch: Shape): number[] {
  const matrix = shape[shape.length - 1] * shape[shape.length - 2];
  return broadcastStrides(shape.slice(0, -2), batch).map((s) => s * matrix);
}

/** matmul in float64: every product summed in K order, then the bias ([N] or [M, 1]) added. */
export function referenceMatmul(
  [a, b, bias]: readonly Float64Array[],
  [sa, sb, sbias]: readonly TensorSpec[],
  attrs: MatmulAttrs,
): Float64Array {
  const { m, k, n, batch } = dims(sa.shape, sb.shape, attrs);
  const aStr = batchStrides(sa.shape, batch);
  const bStr = batchStrides(sb.shape, batch);
  const oStr = stridesOf(batch);
  const at = (i: number, kk: number) => (attrs.transA ? kk * m + i : i * k + kk);
  const bt = (kk: number, j: number) => (attrs.transB ? j * k + kk : kk * n + j);
  const y = new Float64Array(numel(batch) * m * n);
  for (let z = 0; z < numel(batch); z++) {
    let ao = 0;
    let bo = 0;
    batch.forEach((_, d) => {
      const c = Math.floor(z / oStr[d]) % batch[d];
      ao += c * aStr[d];
      bo += c * bStr[d];
    });
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let kk = 0; kk < k; kk++) s += a[ao + at(i, kk)] * b[bo + bt(kk, j)];
        y[(z * m + i) * n + j] = s;
      }
    }
  }
  if (bias) {
    const perColumn = sbias.shape.length === 1;
    for (let i = 0; i < y.length; i++) y[i] += bias[perColumn ? i % n : Math.floor(i / n) % m];
  }
  return y;
}
