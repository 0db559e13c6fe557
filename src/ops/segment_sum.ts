/**
 * segment_sum: out[..., r, :] = sum over row r's edges of e[..., edge, :], the query side of
 * message passing (neuraloperator's segment_csr). Each output adds its segment in a fixed order
 * (perm), so results are bitwise repeatable; an empty segment gives 0; `mean` divides by the
 * segment size (empty stays 0). Its transpose is gather_rows over the same relation (segments.ts).
 * An optional fifth input w of e's shape is multiplied into e edge by edge as it is summed
 * (`times`): a message times f(y_j), reduced without writing the products.
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import { sameShape, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/segment_sum.wgsl?raw';
import { checkRelation, type Segments } from './segments';
import { mul } from './binary';
import { gatherRows } from './gather_rows';
import type { OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';

type SegmentAttrs = OpAttrs['segment_sum'];

export const segmentParams = new UniformLayout('SegmentParams', {
  batch: 'u32',
  rows: 'u32',
  c: 'u32',
  nnz: 'u32',
});
const kernel = defineKernel({
  name: 'segment_sum',
  source,
  params: segmentParams,
  storage: ['read', 'read', 'read', 'read_write'],
});
const productKernel = defineKernel({
  name: 'segment_sum',
  entry: 'product',
  source,
  params: segmentParams,
  storage: ['read', 'read', 'read', 'read_write', 'read'],
});

/**
 * Inputs: e [...batch, nnz, c] f32, index [nnz], perm [nnz], splits [rows + 1] (i32), and
 * optionally w of e's shape.
 */
function dims(specs: readonly TensorSpec[]) {
  const d = checkRelation('segment_sum', specs, 'e');
  const n = specs[0].shape[d.lead.length];
  if (n !== d.nnz)
    throw new WgnoError(
      'segment_sum',
      `e ${fmtShape(specs[0].shape)} has ${n} rows but index ${fmtShape(specs[1].shape)} has ${d.nnz} edges; e needs one row per edge`,
    );
  const w = specs[4];
  if (w && (w.dtype !== 'f32' || !sameShape(w.shape, specs[0].shape)))
    throw new WgnoError(
      'segment_sum',
      `times ${fmtShape(w.shape)} ${w.dtype} must be f32 of e's shape ${fmtShape(specs[0].shape)}`,
    );
  return d;
}

export const segmentSumDef: OpDef<SegmentAttrs> = {
  name: 'segment_sum',
  indexInputs: [1, 2, 3],
  infer(inputs) {
    const { lead, rows, c } = dims(inputs);
    return { shape: [...lead, rows, c], dtype: 'f32' };
  },
  lower({ inputs, attrs }) {
    const { batch, nnz, rows, c } = dims(inputs);
    const bindings = [{ input: 0 }, { input: 2 }, { input: 3 }, { output: true as const }];
    return {
      dispatches: [
        {
          kernel: inputs[4] ? productKernel : kernel,
          overrides: { MEAN: attrs.mean ? 1 : 0 },
          params: { batch, rows, c, nnz },
          bindings: inputs[4] ? [...bindings, { input: 4 }] : bindings,
          grid: grid1d(batch * rows * c),
          // A thread per output element reads its row's two splits, then per edge of the row
          // its perm entry and value (and factor): the index arrays once per channel and batch.
          cost: {
            read: batch * c * (8 * rows + nnz * (inputs[4] ? 12 : 8)),
            write: batch * rows * c * 4,
            flops: batch * c * nnz * (inputs[4] ? 2 : 1),
          },
        },
      ],
    };
  },
  // The edges' gradient is g gathered back along the relation (times the other factor).
  vjp: ({ g, inputs: [e, index, perm, splits, w], attrs, needs }) => {
    const back = () => gatherRows(g, { rows: splits.size - 1, index, perm, splits }, attrs.mean);
    if (!w) return [needs[0] ? back() : null, null, null, null];
    const gb = needs[0] || needs[4] ? back() : null;
    return [needs[0] ? mul(gb!, w) : null, null, null, null, needs[4] ? mul(gb!, e) : null];
  },
  reference([e, , perm, splits, w], specs, { mean }) {
    const { batch, nnz, rows, c } = dims(specs);
    const out = new Float64Array(batch * rows * c);
    for (let i = 0; i < out.length; i++) {
      const [b, r, ch] = [Math.floor(i / (rows * c)), Math.floor(i / c) % rows, i % c];
      const [start, end] = [splits[r], splits[r + 1]];
      let s = 0;
      for (let k = start; k < end; k++) {
        const at = (b * nnz + perm[k]) * c + ch;
        s += e[at] * (w ? w[at] : 1);
      }
      out[i] = mean && end > start ? s / (end - start) : s;
    }
    return out;
  },
};

/** segment_sum or its mean (of e * times, with `times`). */
function segmentReduce(e: Tensor, seg: Segments, mean: boolean, times?: Tensor): Tensor {
  const inputs = [e, seg.index, seg.perm, seg.splits];
  return apply('segment_sum', times ? [...inputs, times] : inputs, { mean });
}

/** Options of segmentSum / segmentMean. */
export interface SegmentOptions {
  /**
   * A tensor of e's shape multiplied into e edge by edge as it is summed: one pass instead of
   * `mul` then the sum, and the products are never stored.
   */
  times?: Tensor;
}

/**
 * Sum of each row's edge values: out[..., r, :] = sum_{edges of r} e[..., edge, :]; e
 * [...batch, nnz, c] -> [...batch, rows, c].
 *
 * @example
 * const out = segmentSum(messages, nb.byQuery); // messages [nnz, c] -> [m, c]
 * const conv = segmentSum(kernel, nb.byQuery, { times: fOnEdges }); // sum of k(x, y_j) f(y_j)
 */
export const segmentSum = (e: Tensor, seg: Segments, opts: SegmentOptions = {}): Tensor =>
  segmentReduce(e, seg, false, opts.times);

/** Mean of each row's edge values (an empty row gives 0), as segment_csr's reduce='mean'. */
export const segmentMean = (e: Tensor, seg: Segments, opts: SegmentOptions = {}): Tensor =>
  segmentReduce(e, seg, true, opts.times);

declare module '../graph/registry' {
  interface OpAttrs {
    segment_sum: { readonly mean: boolean };
  }
}

registerOp('segment_sum', segmentSumDef);
