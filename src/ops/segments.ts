/**
 * The relation gather_rows and segment_sum read: one edge-row relation of a CSR neighbourhood
 * list as three i32 tensors (index, perm, splits), and the shape rule both ops check it with.
 * Building and validating the relations from a CSR is geometry's (src/geometry/relations.ts):
 * the ops take the index tensors as plain inputs.
 *
 * Each op is the other's transpose over the same triple:
 *  - byQuery: row = query; index = the query of each edge, perm = identity, splits = the CSR's
 *    row splits;
 *  - byPoint (the transposed CSR): row = data point; index = the CSR's data-point indices,
 *    perm = the edges sorted by data point (ascending edge within a point), splits = their
 *    row splits.
 * Sums always run in that fixed order, so results are bitwise repeatable (no atomics).
 */
import { WgnoError, fmtShape } from '../errors';
import type { TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { requireF32 } from './elementwise';

/** One edge-row relation as i32 tensors: the index inputs of gather_rows and segment_sum. */
export interface Segments {
  /** Number of rows (segments). */
  readonly rows: number;
  /** Shape [nnz]: the row of each edge, in edge order. */
  readonly index: Tensor;
  /** Shape [nnz]: edge ids grouped by row, ascending within a row. */
  readonly perm: Tensor;
  /** Shape [rows + 1]: row r's edges are perm[splits[r] .. splits[r + 1] - 1]. */
  readonly splits: Tensor;
}

/**
 * Shape rule shared by gather_rows and segment_sum: `values` is [...batch, rows or nnz, c] f32
 * and the relation is index [nnz], perm [nnz], splits [rows + 1]; the leading batch axes share
 * one relation (neuraloperator's batched f_y). Returns the batch axes, nnz, rows and c.
 */
export function checkRelation(
  op: string,
  [values, index, perm, splits]: readonly TensorSpec[],
  valuesName: string,
): { lead: number[]; batch: number; nnz: number; rows: number; c: number } {
  const show = `${valuesName} ${fmtShape(values.shape)}, index ${fmtShape(index.shape)}, perm ${fmtShape(perm.shape)}, splits ${fmtShape(splits.shape)}`;
  requireF32(op, [values]);
  if (values.shape.length < 2)
    throw new WgnoError(
      op,
      `${show}: ${valuesName} must be [...batch, rows, channels] (rank >= 2)`,
    );
  if (index.shape.length !== 1 || perm.shape.length !== 1 || splits.shape.length !== 1)
    throw new WgnoError(op, `${show}: index, perm and splits must be rank 1`);
  if (perm.shape[0] !== index.shape[0])
    throw new WgnoError(op, `${show}: perm must have one entry per edge (${index.shape[0]})`);
  if (splits.shape[0] < 2) throw new WgnoError(op, `${show}: splits needs rows + 1 >= 2 entries`);
  const lead = values.shape.slice(0, -2);
  return {
    lead,
    batch: lead.reduce((a, b) => a * b, 1),
    nnz: index.shape[0],
    rows: splits.shape[0] - 1,
    c: values.shape[values.shape.length - 1],
  };
}
