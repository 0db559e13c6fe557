/**
 * gather_rows: y[..., e, :] = x[..., index[e], :], the edge side of message passing
 * (neuraloperator's `y[neighbors_index]` and `repeat_interleave(x, counts)`). Its transpose is
 * segment_sum over the same relation (index, perm, splits): the gradient of a gathered row is the
 * sum of the edge gradients that read it, added in the fixed order perm gives (no atomics).
 * See segments.ts.
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import type { TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/gather_rows.wgsl?raw';
import { checkRelation, type Segments } from './segments';
import type { OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';

type GatherAttrs = OpAttrs['gather_rows'];

export const gatherParams = new UniformLayout('GatherParams', {
  batch: 'u32',
  nnz: 'u32',
  c: 'u32',
  rows: 'u32',
});
const gather = (entry: string) =>
  defineKernel({
    name: 'gather_rows',
    entry,
    source,
    params: gatherParams,
    storage: ['read', 'read', 'read', 'read_write'],
  });
/** A thread per element on GPUs, a thread per row on CPU adapters (kernels/gather_rows.wgsl). */
const KERNELS = { workgroup: gather('main'), lane: gather('per_row') };

/** Inputs: x [...batch, rows, c] f32, index [nnz], perm [nnz], splits [rows + 1] (i32). */
function dims(specs: readonly TensorSpec[]) {
  const d = checkRelation('gather_rows', specs, 'x');
  const n = specs[0].shape[d.lead.length];
  if (n !== d.rows)
    throw new WgnoError(
      'gather_rows',
      `x ${fmtShape(specs[0].shape)} has ${n} rows but splits ${fmtShape(specs[3].shape)} describes ${d.rows}; splits needs x's rows + 1 entries`,
    );
  return d;
}

/**
 * Per edge row: c values of x read and written, its index (and, for a mean, the two splits
 * around its row) read once per thread: once per row in the per-row kernel, once per element
 * otherwise; a mean divides each value.
 */
function gatherCost(edges: number, c: number, perRow: boolean, mean: boolean) {
  const perThread = 4 + (mean ? 8 : 0);
  const read = edges * (4 * c + perThread * (perRow ? 1 : c));
  return { read, write: edges * 4 * c, flops: mean ? edges * c : 0 };
}

export const gatherRowsDef: OpDef<GatherAttrs> = {
  name: 'gather_rows',
  indexInputs: [1, 2, 3],
  infer(inputs) {
    const { lead, nnz, c } = dims(inputs);
    return { shape: [...lead, nnz, c], dtype: 'f32' };
  },
  lower({ inputs, attrs, target }) {
    const { batch, nnz, c, rows } = dims(inputs);
    const perRow = target.kernels === 'lane';
    return {
      dispatches: [
        {
          kernel: KERNELS[target.kernels],
          overrides: { MEAN: attrs.mean ? 1 : 0 },
          params: { batch, nnz, c, rows },
          bindings: [{ input: 0 }, { input: 1 }, { input: 3 }, { output: true }],
          grid: grid1d(batch * nnz * (perRow ? 1 : c)),
          cost: gatherCost(batch * nnz, c, perRow, attrs.mean),
        },
      ],
    };
  },
  // segment_sum is named, not imported: segment_sum.ts imports gatherRows for its own VJP.
  vjp: ({ g, inputs: [, index, perm, splits], attrs, needs }) => [
    needs[0] ? apply('segment_sum', [g, index, perm, splits], { mean: attrs.mean }) : null,
    null,
    null,
    null,
  ],
  reference([x, index, , splits], specs, { mean }) {
    const { batch, nnz, rows, c } = dims(specs);
    const y = new Float64Array(batch * nnz * c);
    for (let b = 0; b < batch; b++) {
      for (let e = 0; e < nnz; e++) {
        const j = index[e];
        const scale = mean ? 1 / Math.max(splits[j + 1] - splits[j], 1) : 1;
        for (let ch = 0; ch < c; ch++)
          y[(b * nnz + e) * c + ch] = x[(b * rows + j) * c + ch] * scale;
      }
    }
    return y;
  },
};

/**
 * Rows of x [...batch, rows, c] picked by each edge of a relation: y[..., e, :] =
 * x[..., seg.index[e], :] -> [...batch, nnz, c]. With `mean` each row is divided by its segment's
 * size (the transpose of segmentMean).
 *
 * @example
 * const nb = neighborhoods(rt, { rowSplits, index, nPoints: n });
 * const fOnEdges = gatherRows(f, nb.byPoint); // f(y_j) for every (query, neighbour j) edge
 * const xOnEdges = gatherRows(x, nb.byQuery); // the query point repeated over its neighbours
 */
export function gatherRows(x: Tensor, seg: Segments, mean = false): Tensor {
  return apply('gather_rows', [x, seg.index, seg.perm, seg.splits], { mean });
}

declare module '../graph/registry' {
  interface OpAttrs {
    /**
     * Message passing over a CSR relation (segments.ts; inputs 1..3 are i32 index, perm, splits):
     * gather_rows reads one row per edge, segment_sum adds each row's edges; each is the other's
     * transpose. mean: divide by the segment size (gather_rows: of the row it reads).
     */
    gather_rows: { readonly mean: boolean };
  }
}

registerOp('gather_rows', gatherRowsDef);
