import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import { broadcastStrides, numel, stridesOf, type Shape, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { MAX_GROUPS_PER_DIM, defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/matmul.wgsl?raw';
import { sumTo } from './binary';
import { requireF32 } from './elementwise';
import type { OpDef } from './op';
import type { OpAttrs } from './registry';

type MatmulAttrs = OpAttrs['matmul'];

/** Batch dims: a rank-8 operand has at most 6 in front of its matrix. */
export const matmulParams = new UniformLayout('MatmulParams', {
  m: 'u32',
  n: 'u32',
  k: 'u32',
  batch_rank: 'u32',
  a_row: 'u32',
  a_col: 'u32',
  b_row: 'u32',
  b_col: 'u32',
  batch: 'u32',
  batch_shape: { vec4: 'u32', length: 6 },
  a_batch: { vec4: 'u32', length: 6 },
  b_batch: { vec4: 'u32', length: 6 },
});
const entry = (name: string) =>
  defineKernel({
    name: 'matmul',
    entry: name,
    source,
    params: matmulParams,
    storage: ['read', 'read', 'read_write'],
  });
const K = { workgroup: entry('main'), lane: entry('lane') };

/** kernels/matmul.wgsl: 16 x 16 threads per workgroup, each computing 4 x 4 of a 64 x 64 tile. */
const MATMUL_THREADS = 256;
const TILE = 64;

/** The logical matrix dims of both operands and the broadcast batch shape. */
interface Dims {
  m: number;
  k: number;
  n: number;
  batch: number[];
}

function dims(a: Shape, b: Shape, { transA, transB }: MatmulAttrs): Dims {
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
  return { m, k: ka, n, batch };
}

export const matmulDef: OpDef<MatmulAttrs> = {
  name: 'matmul',
  infer([a, b], attrs) {
    requireF32('matmul', [a, b]);
    const { m, n, batch } = dims(a.shape, b.shape, attrs);
    return { shape: [...batch, m, n], dtype: 'f32' };
  },
  lower({ inputs: [a, b], attrs, target }) {
    const { m, k, n, batch } = dims(a.shape, b.shape, attrs);
    const nBatch = numel(batch);
    const rowTiles = Math.ceil(m / TILE);
    if (nBatch > MAX_GROUPS_PER_DIM || rowTiles > MAX_GROUPS_PER_DIM) {
      throw new WgnoError(
        'matmul',
        `batch ${nBatch} or M = ${m} exceeds the ${MAX_GROUPS_PER_DIM}-workgroup grid limit; split the product`,
      );
    }
    const params = {
      m,
      n,
      k,
      batch_rank: batch.length,
      batch: nBatch,
      // Logical A[m, k] and B[k, n] as strides into the stored (possibly transposed) matrices.
      a_row: attrs.transA ? 1 : k,
      a_col: attrs.transA ? m : 1,
      b_row: attrs.transB ? 1 : n,
      b_col: attrs.transB ? k : 1,
      batch_shape: batch,
      a_batch: batchStrides(a.shape, batch),
      b_batch: batchStrides(b.shape, batch),
    };
    const bindings = [{ input: 0 }, { input: 1 }, { output: true as const }];
    if (target.kernels === 'lane') {
      const blocks = nBatch * Math.ceil(m / 4) * Math.ceil(n / 4);
      return { dispatches: [{ kernel: K.lane, params, bindings, grid: grid1d(blocks) }] };
    }
    const grid: [number, number, number] = [Math.ceil(n / TILE), rowTiles, nBatch];
    const kernel = K.workgroup;
    return { dispatches: [{ kernel, overrides: { WG: MATMUL_THREADS }, params, bindings, grid }] };
  },
  // With A' = op(A), B' = op(B): dA' = g B'^T and dB' = A'^T g. The trans flags express each
  // product (and its transpose, for a transposed operand) without a permute; batch dims that were
  // broadcast are summed back by sumTo.
  vjp({ g, inputs: [a, b], attrs: { transA, transB }, needs }) {
    const da = () =>
      transA ? matmul(b, g, { transA: transB, transB: true }) : matmul(g, b, { transB: !transB });
    const db = () =>
      transB ? matmul(g, a, { transA: true, transB: transA }) : matmul(a, g, { transA: !transA });
    return [needs[0] ? sumTo(da(), a.shape) : null, needs[1] ? sumTo(db(), b.shape) : null];
  },
  reference: ([a, b], [sa, sb], attrs) => referenceMatmul(a, b, sa, sb, attrs),
};

/** Element strides of an operand's batch dims read at the broadcast batch shape (0 where stretched). */
function batchStrides(shape: Shape, batch: Shape): number[] {
  const matrix = shape[shape.length - 1] * shape[shape.length - 2];
  return broadcastStrides(shape.slice(0, -2), batch).map((s) => s * matrix);
}

function referenceMatmul(
  a: Float64Array,
  b: Float64Array,
  sa: TensorSpec,
  sb: TensorSpec,
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
  return y;
}

/**
 * Batched matrix product: a [..., M, K] @ b [..., K, N] -> [...batch, M, N], batch dims broadcast
 * as in NumPy. transA / transB read an operand stored as [..., K, M] / [..., N, K].
 *
 * @example
 * const y = matmul(weight, x); // weight [Cout, Cin], x [B, Cin, N] -> [B, Cout, N]
 * const g = matmul(x, x, { transB: true }); // x x^T
 */
export function matmul(
  a: Tensor,
  b: Tensor,
  { transA = false, transB = false }: { transA?: boolean; transB?: boolean } = {},
): Tensor {
  return apply('matmul', [a, b], { transA, transB });
}
