/**
 * CSR neighbourhoods for message passing (GNO), built and validated on the CPU before anything is
 * dispatched. neuraloperator's layout: query i's neighbours are
 * `neighbors_index[neighbors_row_splits[i] .. neighbors_row_splits[i + 1] - 1]` (data-point
 * indices); the positions 0..nnz-1 of that list are the edges. A CSR becomes the two relations
 * (index, perm, splits) that gather_rows and segment_sum read (src/ops/segments.ts): byQuery, and
 * byPoint from the CSR's transpose (transposeCsrReference, the host twin of transposeCsr).
 */
import { WgnoError } from '../errors';
import type { Engine } from '../graph/engine';
import { indexTensor } from '../graph/index_tensor';
import type { Segments } from '../ops/segments';
import { checkRowSplits, checkSegments } from './check_segments';
import { transposeCsrReference } from './reference';

/** One edge-row relation on the CPU (Segments' host form). */
export interface HostSegments {
  /** Number of rows (segments). */
  readonly rows: number;
  /** Shape [nnz]: the row of each edge, in edge order. */
  readonly index: Int32Array;
  /** Shape [nnz]: edge ids grouped by row, ascending within a row. */
  readonly perm: Int32Array;
  /** Shape [rows + 1]: row r's edges are perm[splits[r] .. splits[r + 1] - 1]. */
  readonly splits: Int32Array;
}

/** Neighbourhoods on the CPU, validated: both groupings of the same (query, point) edges. */
export interface HostNeighborhoods {
  /** Queries m, data points n, edges nnz. */
  readonly m: number;
  /** Data points. */
  readonly n: number;
  /** Edges (query, neighbour) pairs. */
  readonly nnz: number;
  /** The edges grouped by query (rows = m): what a reduction over neighbours reads. */
  readonly byQuery: HostSegments;
  /** The same edges grouped by data point (rows = n): the transposed relation, for gradients. */
  readonly byPoint: HostSegments;
}

function fail(arg: string, msg: string): never {
  throw new WgnoError('buildCsr', `${arg} ${msg}`);
}

function checkIndex(index: ArrayLike<number>, nPoints: number): void {
  if (!Number.isInteger(nPoints) || nPoints < 1)
    fail('nPoints', `is ${nPoints}; it must be an integer >= 1 (the number of data points)`);
  if (index.length === 0)
    fail(
      'neighbors_index',
      'is empty (nnz = 0): zero-size tensors are not supported; every query then has an empty neighbourhood, whose integral is 0',
    );
  for (let e = 0; e < index.length; e++) {
    const j = index[e];
    if (!Number.isInteger(j) || j < 0 || j >= nPoints)
      fail(
        'neighbors_index',
        `[${e}] = ${j} is out of range; valid data-point indices are 0..${nPoints - 1}`,
      );
  }
}

/**
 * Validate a CSR neighbourhood list and build both relations of it (see the module comment):
 * throws a WgnoError naming the argument before anything reaches the GPU.
 *
 * @example
 * const nb = buildCsr([0, 2, 3], [1, 0, 1], 2); // query 0 sees points 1, 0; query 1 sees 1
 * nb.byPoint.perm; // [1, 0, 2]: point 0's edge 1, then point 1's edges 0 and 2
 */
export function buildCsr(
  rowSplits: ArrayLike<number>,
  index: ArrayLike<number>,
  nPoints: number,
): HostNeighborhoods {
  checkIndex(index, nPoints);
  checkRowSplits(
    rowSplits,
    index.length,
    { splits: 'neighbors_row_splits', index: 'neighbors_index', minLength: 2 },
    (msg) => {
      throw new WgnoError('buildCsr', msg);
    },
  );
  const m = rowSplits.length - 1;
  const nnz = index.length;
  const splits = Int32Array.from(rowSplits);
  const queryOf = new Int32Array(nnz);
  for (let i = 0; i < m; i++) queryOf.fill(i, splits[i], splits[i + 1]);
  const identity = Int32Array.from({ length: nnz }, (_, e) => e);
  const pointOf = Int32Array.from(index);
  const t = transposeCsrReference({ rowSplits: splits, index: pointOf }, nPoints);
  return {
    m,
    n: nPoints,
    nnz,
    byQuery: { rows: m, index: queryOf, perm: identity, splits },
    byPoint: { rows: nPoints, index: pointOf, perm: t.index, splits: t.rowSplits },
  };
}

/** Upload one relation as i32 tensors, after checking its indices and splits (checkSegments). */
export function uploadSegments(rt: Engine, s: HostSegments, label = 'segments'): Segments {
  checkSegments(s, 'uploadSegments', label);
  return {
    rows: s.rows,
    index: indexTensor(rt, s.index, { label: `${label}.index` }),
    perm: indexTensor(rt, s.perm, { label: `${label}.perm` }),
    splits: indexTensor(rt, s.splits, { label: `${label}.splits` }),
  };
}

/**
 * Neighbourhoods on the GPU: both relations, ready for gather_rows / segment_sum. Made by
 * `neighborhoods()` from validated host arrays, or directly from relations already on the GPU
 * (e.g. a GPU neighbour search's CSR and its transpose wrapped with indexTensorFromBuffer); the
 * constructor checks the shapes agree, not the index values.
 */
export class Neighborhoods {
  /** Queries m, data points n, edges nnz. */
  readonly m: number;
  /** Data points. */
  readonly n: number;
  /** Edges (query, neighbour) pairs. */
  readonly nnz: number;

  constructor(
    /** Edges grouped by query: index = the query of each edge, splits = neighbors_row_splits. */
    readonly byQuery: Segments,
    /** Edges grouped by data point: index = neighbors_index, perm/splits = the transposed CSR. */
    readonly byPoint: Segments,
  ) {
    [this.m, this.n, this.nnz] = [byQuery.rows, byPoint.rows, byQuery.index.size];
    const bad = [byQuery, byPoint].flatMap((r) => [
      r.index.size !== this.nnz || r.perm.size !== this.nnz ? 'index/perm' : '',
      r.splits.size !== r.rows + 1 ? 'splits' : '',
    ]);
    if (bad.some((b) => b))
      throw new WgnoError(
        'Neighborhoods',
        `relations disagree: byQuery (rows ${this.m}) and byPoint (rows ${this.n}) need index and perm of one length (nnz = ${this.nnz}) and splits of rows + 1`,
      );
  }

  /** Release the index buffers (a wrapped caller's buffer stays the caller's). */
  destroy(): void {
    for (const s of [this.byQuery, this.byPoint])
      for (const t of [s.index, s.perm, s.splits]) t.destroy();
  }
}

/**
 * Validate and upload neuraloperator-style neighbourhoods (`neighbors_row_splits` [m + 1],
 * `neighbors_index` [nnz]) over `nPoints` data points.
 *
 * @example
 * const nb = neighborhoods(rt, { rowSplits: [0, 2, 3], index: [1, 0, 1], nPoints: 2 });
 */
export function neighborhoods(
  rt: Engine,
  csr: { rowSplits: ArrayLike<number>; index: ArrayLike<number>; nPoints: number },
): Neighborhoods {
  const host = buildCsr(csr.rowSplits, csr.index, csr.nPoints);
  return new Neighborhoods(
    uploadSegments(rt, host.byQuery, 'neighbors.byQuery'),
    uploadSegments(rt, host.byPoint, 'neighbors.byPoint'),
  );
}
