/**
 * segment_sum: out[..., r, :] = sum over row r's edges of e[..., edge, :], the query side of
 * message passing (neuraloperator's segment_csr). Each output adds its segment in a fixed order
 * (perm), so results are bitwise repeatable; an empty segment gives 0; `mean` divides by the
 * segment size (empty stays 0). Its transpose is gather_rows over the same relation. See csr.ts.
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import type { TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/segment_sum.wgsl?raw';
import { checkRelation, type Segments } from './csr';
import { gatherRows } from './gather_rows';
import type { OpDef } from './op';
import type { OpAttrs } from './registry';

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

/** Inputs: e [...batch, nnz, c] f32, index [nnz], perm [nnz], splits [rows + 1] (i32). */
function dims(specs: readonly TensorSpec[]) {
  const d = checkRelation('segment_sum', specs, 'e');
  const n = specs[0].shape[d.lead.length];
  if (n !== d.nnz)
    throw new WgnoError(
      'segment_sum',
      `e ${fmtShape(specs[0].shape)} has ${n} rows but index ${fmtShape(specs[1].shape)} has ${d.nnz} edges; e needs one row per edge`,
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
    return {
      dispatches: [
        {
          kernel,
          overrides: { MEAN: attrs.mean ? 1 : 0 },
          params: { batch, rows, c, nnz },
          bindings: [{ input: 0 }, { input: 2 }, { input: 3 }, { output: true }],
          grid: grid1d(batch * rows * c),
        },
      ],
    };
  },
  vjp: ({ g, inputs: [, index, perm, splits], attrs, needs }) => [
    needs[0] ? gatherRows(g, { rows: splits.size - 1, index, perm, splits }, attrs.mean) : null,
    null,
    null,
    null,
  ],
  reference([e, , perm, splits], specs, { mean }) {
    const { batch, nnz, rows, c } = dims(specs);
    const out = new Float64Array(batch * rows * c);
    for (let i = 0; i < out.length; i++) {
      const [b, r, ch] = [Math.floor(i / (rows * c)), Math.floor(i / c) % rows, i % c];
      const [start, end] = [splits[r], splits[r + 1]];
      let s = 0;
      for (let k = start; k < end; k++) s += e[(b * nnz + perm[k]) * c + ch];
      out[i] = mean && end > start ? s / (end - start) : s;
    }
    return out;
  },
};

/** segment_sum or its mean, as the transpose of gather_rows needs it. */
export function segmentReduce(e: Tensor, seg: Segments, mean: boolean): Tensor {
  return apply('segment_sum', [e, seg.index, seg.perm, seg.splits], { mean });
}

/**
 * Sum of each row's edge values: out[..., r, :] = sum_{edges of r} e[..., edge, :]; e
 * [...batch, nnz, c] -> [...batch, rows, c].
 *
 * @example
 * const out = segmentSum(messages, nb.byQuery); // messages [nnz, c] -> [m, c]
 */
export const segmentSum = (e: Tensor, seg: Segments): Tensor => segmentReduce(e, seg, false);

/** Mean of each row's edge values (an empty row gives 0), as segment_csr's reduce='mean'. */
export const segmentMean = (e: Tensor, seg: Segments): Tensor => segmentReduce(e, seg, true);
