/**
 * segment_max and segment_softmax over CSR rows (the relation of segments.ts, as segment_sum):
 * per row r and channel, the max of its edges' values, or their softmax (GAOT's attention weights
 * over a token's neighbours; torch_geometric's `softmax(src, index)`). Rows are walked in a fixed
 * order (perm), so results are bitwise repeatable (no atomics).
 *  - An empty row's max is 0 (torch_scatter's segment_csr / scatter_max fill value); its softmax
 *    has no edges, so nothing.
 *  - The softmax subtracts the row max before exponentiating (no overflow; the sum is >= 1).
 *  - Segment max's gradient goes to the first edge (in perm order: ascending edge id within the
 *    row) that holds the max, through segment_argmax's one-hot mask; ties are deterministic.
 * Every edge must belong to exactly one row, as in both relations of a Neighborhoods.
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import type { TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import source from '../../kernels/segment_softmax.wgsl?raw';
import { checkRelation, type Segments } from './segments';
import { segmentParams, segmentSum } from './segment_sum';
import { gatherRows } from './gather_rows';
import { mul, sub } from './binary';
import { reshape } from './layout';
import type { OpDef } from '../graph/op';
import { registerOp, type NoAttrs } from '../graph/registry';

type Entry = 'seg_max' | 'argmax' | 'softmax';
const kernel = (entry: Entry) =>
  defineKernel({
    name: 'segment_softmax',
    entry,
    source,
    params: segmentParams,
    storage: ['read', 'read', 'read', 'read_write'],
  });
const KERNELS = {
  seg_max: kernel('seg_max'),
  argmax: kernel('argmax'),
  softmax: kernel('softmax'),
};

/** e [...batch, nnz, c] f32 and the relation index [nnz], perm [nnz], splits [rows + 1] (i32). */
function dims(op: string, specs: readonly TensorSpec[]) {
  const d = checkRelation(op, specs, 'e');
  const n = specs[0].shape[d.lead.length];
  if (n !== d.nnz)
    throw new WgnoError(
      op,
      `e ${fmtShape(specs[0].shape)} has ${n} rows but index ${fmtShape(specs[1].shape)} has ${d.nnz} edges; e needs one row per edge`,
    );
  return d;
}

/**
 * One invocation per (batch, row, channel); per edge it reads perm and e once per pass over the
 * row (max: 1, argmax: 2, softmax: 3) and the softmax evaluates exp twice.
 */
function segmentOp(op: Entry, name: string, perRow: boolean): Omit<OpDef<NoAttrs>, 'vjp'> {
  const passes = { seg_max: 1, argmax: 2, softmax: 3 }[op];
  return {
    name,
    indexInputs: [1, 2, 3],
    infer(inputs) {
      const { lead, rows, c, nnz } = dims(name, inputs);
      return { shape: [...lead, perRow ? rows : nnz, c], dtype: 'f32' };
    },
    lower({ inputs }) {
      const { batch, nnz, rows, c } = dims(name, inputs);
      const threads = batch * rows * c;
      return {
        dispatches: [
          {
            kernel: KERNELS[op],
            params: { batch, rows, c, nnz },
            bindings: [{ input: 0 }, { input: 2 }, { input: 3 }, { output: true }],
            grid: grid1d(threads),
            cost: {
              read: 8 * threads + 8 * passes * batch * c * nnz,
              write: 4 * (perRow ? threads : batch * nnz * c),
              flops: (op === 'softmax' ? 6 : 1) * batch * c * nnz,
            },
          },
        ],
      };
    },
    reference([e, , perm, splits], specs) {
      const { batch, nnz, rows, c } = dims(name, specs);
      const out = new Float64Array(batch * (perRow ? rows : nnz) * c);
      for (let t = 0; t < batch * rows * c; t++) {
        const [b, r, ch] = [Math.floor(t / (rows * c)), Math.floor(t / c) % rows, t % c];
        const at = (k: number) => (b * nnz + perm[k]) * c + ch;
        const edges = Array.from({ length: splits[r + 1] - splits[r] }, (_, k) =>
          at(splits[r] + k),
        );
        const vals = edges.map((j) => e[j]);
        const m = vals.length ? Math.max(...vals) : 0;
        if (op === 'seg_max') out[t] = m;
        else if (op === 'argmax') edges.forEach((j, k) => (out[j] = k === vals.indexOf(m) ? 1 : 0));
        else {
          const s = vals.reduce((acc, v) => acc + Math.exp(v - m), 0);
          edges.forEach((j) => (out[j] = Math.exp(e[j] - m) / s));
        }
      }
      return out;
    },
  };
}

export const segmentMaxDef: OpDef<NoAttrs> = {
  ...segmentOp('seg_max', 'segment_max', true),
  // The row's gradient, gathered onto its edges, kept only at the first max (a constant mask).
  vjp: ({ g, inputs: [e, index, perm, splits], needs }) => {
    if (!needs[0]) return [null, null, null, null];
    const mask = apply('segment_argmax', [e, index, perm, splits], {});
    const seg = { rows: splits.size - 1, index, perm, splits };
    return [mul(mask, gatherRows(g, seg)), null, null, null];
  },
};

// Piecewise constant in e: its derivative is zero wherever it is defined.
export const segmentArgmaxDef: OpDef<NoAttrs> = {
  ...segmentOp('argmax', 'segment_argmax', false),
  vjp: () => [null, null, null, null],
};

export const segmentSoftmaxDef: OpDef<NoAttrs> = {
  ...segmentOp('softmax', 'segment_softmax', false),
  // de = p * (g - (segment_sum(p * g) gathered back to the edges)).
  vjp: ({ g, inputs: [, index, perm, splits], out, needs }) => {
    if (!needs[0]) return [null, null, null, null];
    const seg = { rows: splits.size - 1, index, perm, splits };
    const back = gatherRows(segmentSum(mul(out, g), seg), seg);
    return [mul(out, sub(g, back)), null, null, null];
  },
};

/** Applies `op` to e [nnz] as [nnz, 1], and to [...batch, nnz, c] as is. */
function onEdges(name: 'segment_max' | 'segment_softmax', e: Tensor, seg: Segments): Tensor {
  const inputs = (x: Tensor) => [x, seg.index, seg.perm, seg.splits];
  if (e.shape.length !== 1) return apply(name, inputs(e), {});
  const y = apply(name, inputs(reshape(e, [e.shape[0], 1])), {});
  return reshape(y, [y.shape[0]]);
}

/**
 * Max of each row's edge values: e [nnz] -> [rows], or [...batch, nnz, c] -> [...batch, rows, c].
 * An empty row gives 0 (torch_scatter's convention). The gradient reaches the first edge of the
 * row (ascending edge id) that holds the max.
 *
 * @example
 * const m = segmentMax(scores, nb.byQuery); // scores [nnz, heads] -> [queries, heads]
 */
export const segmentMax = (e: Tensor, seg: Segments): Tensor => onEdges('segment_max', e, seg);

/**
 * Softmax of the edge values within each row, stable (the row max is subtracted first): e [nnz]
 * or [...batch, nnz, c] -> the same shape, each row's weights summing to 1 per channel.
 *
 * @example
 * const w = segmentSoftmax(scores, nb.byQuery); // [nnz, 1]: weights over each query's neighbours
 * const y = segmentSum(mul(values, w), nb.byQuery); // values [nnz, c]: the weighted sum
 */
export const segmentSoftmax = (e: Tensor, seg: Segments): Tensor =>
  onEdges('segment_softmax', e, seg);

declare module '../graph/registry' {
  interface OpAttrs {
    segment_max: NoAttrs;
    /** One-hot f32 mask of each row's first max edge (segment_max's gradient route). */
    segment_argmax: NoAttrs;
    segment_softmax: NoAttrs;
  }
}

registerOp('segment_max', segmentMaxDef);
registerOp('segment_argmax', segmentArgmaxDef);
registerOp('segment_softmax', segmentSoftmaxDef);
