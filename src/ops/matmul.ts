import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import { numel, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { MAX_GROUPS_PER_DIM, defineKernel, grid1d, splitRange } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/matmul.wgsl?raw';
import splitSource from '../../kernels/matmul_split.wgsl?raw';
import { sumTo } from './layout';
import { requireF32 } from './elementwise';
import { batchStrides, dims, referenceMatmul } from './matmul_reference';
import type { Cost, Dispatch, LowerArgs, Lowered, OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';

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
  k_chunk: 'u32',
  batch_shape: { vec4: 'u32', length: 6 },
  a_batch: { vec4: 'u32', length: 6 },
  b_batch: { vec4: 'u32', length: 6 },
});
/** kernels/matmul.wgsl's ACT codes: the epilogue its store applies (ACT_NONE = 0: none). */
const ACT_CODES: Partial<Record<string, number>> = { gelu: 1 };
const ACT_NONE = 0;
/** kernels/matmul.wgsl's and matmul_split.wgsl's BIAS codes (see biasMode). */
const BIAS_CODES = { none: 0, per_column: 1, per_row: 2 } as const;
const MATMUL_CODES = {
  ACT_NONE,
  ...codes('ACT', ACT_CODES),
  ...codes('BIAS', BIAS_CODES),
};
const entry = (name: string) =>
  defineKernel({
    name: 'matmul',
    entry: name,
    source,
    params: matmulParams,
    constants: MATMUL_CODES,
    storage: ['read', 'read', 'read_write', 'read'],
  });
const K = { workgroup: entry('main'), lane: entry('lane') };
export const matmulSplitParams = new UniformLayout('SplitParams', {
  n_out: 'u32',
  slices: 'u32',
  m: 'u32',
  n: 'u32',
});
const splitSum = defineKernel({
  name: 'matmul_split',
  source: splitSource,
  params: matmulSplitParams,
  constants: codes('BIAS', BIAS_CODES),
  storage: ['read', 'read', 'read_write'],
});

/** kernels/matmul.wgsl: 16 x 16 threads per workgroup, each computing 4 x 4 of a 64 x 64 tile. */
const MATMUL_THREADS = 256;
const TILE = 64;
/** The lane kernel's output block per invocation: 8 x 8. */
const LANE_BLOCK = 8;

/**
 * Split K when a product has too few output blocks to fill the device and a long K (weight
 * gradients: [in, E] x [E, out] over E edges or points). Slices of at least MIN_CHUNK k each,
 * enough of them to reach TARGET blocks; the partials cost slices x outputs floats of scratch,
 * at most MAX_PARTIAL_BYTES. Both depend only on the shapes, so the summation order is fixed.
 */
const SPLIT = {
  lane: { target: 2048, minChunk: 512 },
  workgroup: { target: 128, minChunk: 1024 },
};
const MAX_PARTIAL_BYTES = 64 * 2 ** 20;

/** Slices of K for a product with `blocks` output blocks and `outputs` floats (1: no split). */
export function kSlices(
  kernels: 'lane' | 'workgroup',
  blocks: number,
  k: number,
  outputs: number,
): number {
  const { target, minChunk } = SPLIT[kernels];
  if (blocks >= target) return 1;
  const fit = Math.floor(MAX_PARTIAL_BYTES / (4 * outputs));
  return splitRange(k, Math.min(Math.ceil(target / blocks), fit), minChunk).count;
}

/** Where a bias adds: per column (bias [N]), per row (bias [M, 1]), or none. */
function biasMode(bias: TensorSpec | undefined, m: number, n: number, show: string): number {
  if (!bias) return BIAS_CODES.none;
  const s = bias.shape;
  if (s.length === 1 && s[0] === n) return BIAS_CODES.per_column;
  if (s.length === 2 && s[0] === m && s[1] === 1) return BIAS_CODES.per_row;
  throw new WgnoError(
    'matmul',
    `${show}: bias ${fmtShape(s)} must be [N] = [${n}] (one per column) or [M, 1] = [${m}, 1] (one per row)`,
  );
}

export const matmulDef: OpDef<MatmulAttrs> = {
  name: 'matmul',
  infer([a, b, bias], attrs) {
    requireF32('matmul', bias ? [a, b, bias] : [a, b]);
    const { m, n, batch, show } = dims(a.shape, b.shape, attrs);
    biasMode(bias, m, n, show);
    return { shape: [...batch, m, n], dtype: 'f32' };
  },
  lower: (args) => lowerMatmul(args, ACT_NONE),
  // A GELU after the bias, in the same store; not for split K (the split pass would need it too).
  lowerWithEpilogue(args, epilogue) {
    const act = ACT_CODES[epilogue];
    if (act === undefined) return null;
    const lowered = lowerMatmul(args, act);
    return lowered.dispatches.length === 1 ? lowered : null;
  },
  // With A' = op(A), B' = op(B): dA' = g B'^T and dB' = A'^T g. The trans flags express each
  // product (and its transpose, for a transposed operand) without a permute; batch dims that were
  // broadcast (and, for the bias, the rows or columns it was added along) are summed by sumTo.
  vjp({ g, inputs: [a, b, bias], attrs: { transA, transB }, needs }) {
    const da = () =>
      transA ? matmul(b, g, { transA: transB, transB: true }) : matmul(g, b, { transB: !transB });
    const db = () =>
      transB ? matmul(g, a, { transA: true, transB: transA }) : matmul(a, g, { transA: !transA });
    return [
      needs[0] ? sumTo(da(), a.shape) : null,
      needs[1] ? sumTo(db(), b.shape) : null,
      bias && needs[2] ? sumTo(g, bias.shape) : null,
    ];
  },
  reference: referenceMatmul,
};

function lowerMatmul(
  { inputs: [a, b, bias], attrs, target }: LowerArgs<MatmulAttrs>,
  act: number,
): Lowered {
  const { m, k, n, batch, show } = dims(a.shape, b.shape, attrs);
  const nBatch = numel(batch);
  const outputs = nBatch * m * n;
  const lane = target.kernels === 'lane';
  const blocks = lane
    ? nBatch * Math.ceil(m / LANE_BLOCK) * Math.ceil(n / LANE_BLOCK)
    : nBatch * Math.ceil(m / TILE) * Math.ceil(n / TILE);
  const slices = kSlices(target.kernels, blocks, k, outputs);
  const rowTiles = Math.ceil(m / TILE);
  if (!lane && (nBatch * slices > MAX_GROUPS_PER_DIM || rowTiles > MAX_GROUPS_PER_DIM)) {
    throw new WgnoError(
      'matmul',
      `${show}: batch ${nBatch} or M = ${m} exceeds the ${MAX_GROUPS_PER_DIM}-workgroup grid limit; split the product`,
    );
  }
  const BIAS = biasMode(bias, m, n, show);
  const params = {
    m,
    n,
    k,
    batch_rank: batch.length,
    batch: nBatch,
    k_chunk: Math.ceil(k / slices),
    // Logical A[m, k] and B[k, n] as strides into the stored (possibly transposed) matrices.
    a_row: attrs.transA ? 1 : k,
    a_col: attrs.transA ? m : 1,
    b_row: attrs.transB ? 1 : n,
    b_col: attrs.transB ? k : 1,
    batch_shape: batch,
    a_batch: batchStrides(a.shape, batch),
    b_batch: batchStrides(b.shape, batch),
  };
  // Scratch 0: a 4-byte stand-in for an absent bias; scratch 1: the split-K partials.
  const biasSlot = bias ? { input: 2 } : { scratch: 0 };
  const scratch = slices > 1 ? [4, 4 * slices * outputs] : [4];
  const product = slices > 1 ? { scratch: 1 } : { output: true as const };
  const bindings = [{ input: 0 }, { input: 1 }, product, biasSlot];
  const overrides = { BIAS, ACT: act };
  const cost = matmulCost({ m, k, n, nBatch, lane, blocks }, slices, bias !== undefined, act);
  const dispatches: Dispatch[] = [
    lane
      ? { kernel: K.lane, overrides, params, bindings, grid: grid1d(blocks * slices), cost }
      : {
          kernel: K.workgroup,
          overrides: { ...overrides, WG: MATMUL_THREADS },
          params,
          bindings,
          grid: [Math.ceil(n / TILE), rowTiles, nBatch * slices],
          cost,
        },
  ];
  if (slices > 1) {
    dispatches.push({
      kernel: splitSum,
      overrides: { BIAS },
      params: { n_out: outputs, slices, m, n },
      bindings: [{ scratch: 1 }, biasSlot, { output: true }],
      grid: grid1d(outputs),
      cost: {
        read: 4 * outputs * (slices + (bias ? 1 : 0)),
        write: 4 * outputs,
        flops: outputs * (slices - 1 + (bias ? 1 : 0)),
      },
    });
  }
  return { dispatches, scratch };
}

/**
 * The product pass's cost. Each output tile re-reads its rows of A and its columns of B: the lane
 * kernel loads 8 of each per k for every 8 x 8 block (edge blocks clamp, so they load as many),
 * a workgroup loads its 64-row and 64-column panels once per k into shared memory (edge tiles
 * only the rows and columns that exist). So A is read once per column tile and B once per row
 * tile. FLOPs: 2 M N K, plus the bias add and a GELU (4) per output in the store; with split K
 * the partials are written here and summed by the split pass.
 */
function matmulCost(
  d: { m: number; k: number; n: number; nBatch: number; lane: boolean; blocks: number },
  slices: number,
  bias: boolean,
  act: number,
): Cost {
  const { m, k, n, nBatch } = d;
  const outputs = nBatch * m * n;
  const read = d.lane
    ? 4 * d.blocks * k * 2 * LANE_BLOCK
    : 4 * nBatch * k * (Math.ceil(n / TILE) * m + Math.ceil(m / TILE) * n);
  const epilogue = slices > 1 ? 0 : (bias ? 1 : 0) + (act === ACT_NONE ? 0 : 4);
  return {
    read: read + (bias && slices === 1 ? 4 * outputs : 0),
    write: 4 * outputs * slices,
    flops: 2 * outputs * k + outputs * epilogue,
  };
}

/**
 * Batched matrix product: a [..., M, K] @ b [..., K, N] -> [...batch, M, N], batch dims broadcast
 * as in NumPy. transA / transB read an operand stored as [..., K, M] / [..., N, K]. `bias`, added
 * in the same kernel, is [N] (one per column, as in a linear layer's x W^T + b) or [M, 1] (one
 * per row, as in a 1x1 convolution's W x + b).
 *
 * @example
 * const y = matmul(weight, x); // weight [Cout, Cin], x [B, Cin, N] -> [B, Cout, N]
 * const g = matmul(x, x, { transB: true }); // x x^T
 * const h = matmul(x, w, { transB: true, bias: b }); // x [E, in], w [out, in], b [out]
 */
export function matmul(
  a: Tensor,
  b: Tensor,
  {
    transA = false,
    transB = false,
    bias,
  }: { transA?: boolean; transB?: boolean; bias?: Tensor } = {},
): Tensor {
  return apply('matmul', bias ? [a, b, bias] : [a, b], { transA, transB });
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** Batched matmul [..., M, K] x [..., K, N]; trans flags read an operand transposed. */
    matmul: { readonly transA: boolean; readonly transB: boolean };
  }
}

registerOp('matmul', matmulDef);
