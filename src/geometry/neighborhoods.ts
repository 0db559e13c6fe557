/**
 * From a GPU neighbour search to message passing without leaving the GPU: a NeighborCsr (radius
 * or k-nearest) becomes the two relations gather_rows and segment_sum read (ops/segments.ts):
 *  - byQuery: index = the query of each edge (csrRowIds), perm = identity, splits = rowSplits;
 *  - byPoint: index = the CSR's data-point indices, perm / splits = its transpose (transposeCsr).
 * Only the identity permutation is made on the CPU (it depends on nnz alone).
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { indexTensor, indexTensorFromBuffer } from '../graph/index_tensor';
import { Neighborhoods } from './relations';
import { NeighborCsr, csrRowIds, transposeCsr } from './csr';
import { radiusNeighbors } from './neighbors';
import type { Points } from './points';

/** Neighborhoods that own the search's GPU buffers: destroy() frees them all. */
class SearchNeighborhoods extends Neighborhoods {
  constructor(
    byQuery: ConstructorParameters<typeof Neighborhoods>[0],
    byPoint: ConstructorParameters<typeof Neighborhoods>[1],
    private readonly owned: readonly GPUBuffer[],
  ) {
    super(byQuery, byPoint);
  }

  override destroy(): void {
    super.destroy();
    for (const b of this.owned) b.destroy();
  }
}

/**
 * Takes over `csr` (its buffers now belong to the result: destroy the result, not the csr).
 *
 * @example
 * const graph = await radiusNeighbors(rt, queries, data, 0.05);
 * const nb = await csrToNeighborhoods(rt, graph);
 * const out = gno.forward({ y, x, fY, neighbors: nb });
 */
export async function csrToNeighborhoods(rt: Runtime, csr: NeighborCsr): Promise<Neighborhoods> {
  if (!(csr instanceof NeighborCsr))
    throw new WgnoError(
      'csrToNeighborhoods',
      'csr must be a NeighborCsr (from radiusNeighbors or knnNeighbors)',
    );
  if (csr.nnz === 0)
    throw new WgnoError(
      'csrToNeighborhoods',
      `the graph has no edges (${csr.rows} queries, ${csr.cols} points): every integral would be 0, and zero-size tensors are not supported; use a larger radius`,
    );
  const rowIds = await csrRowIds(rt, csr);
  let t: NeighborCsr;
  try {
    t = await transposeCsr(rt, csr);
  } catch (e) {
    rowIds.destroy();
    throw e;
  }
  const wrap = (b: GPUBuffer, n: number, what: string) =>
    indexTensorFromBuffer(rt, b, [n], `neighbors.${what}`);
  const identity = Int32Array.from({ length: csr.nnz }, (_, e) => e);
  const byQuery = {
    rows: csr.rows,
    index: wrap(rowIds, csr.nnz, 'byQuery.index'),
    perm: indexTensor(rt, identity, { label: 'neighbors.byQuery.perm' }),
    splits: wrap(csr.rowSplits, csr.rows + 1, 'byQuery.splits'),
  };
  const byPoint = {
    rows: csr.cols,
    index: wrap(csr.index, csr.nnz, 'byPoint.index'),
    perm: wrap(t.index, csr.nnz, 'byPoint.perm'),
    splits: wrap(t.rowSplits, csr.cols + 1, 'byPoint.splits'),
  };
  return new SearchNeighborhoods(byQuery, byPoint, [
    rowIds,
    csr.rowSplits,
    csr.index,
    t.index,
    t.rowSplits,
  ]);
}

/**
 * The radius neighbourhoods |x - y| <= r of every query among the data points, searched on the
 * GPU and ready for IntegralTransform: `radiusNeighbors` then `csrToNeighborhoods`.
 *
 * @example
 * const nb = await radiusNeighborhoods(rt, { coords: x, dim: 2 }, { coords: y, dim: 2 }, 0.05);
 */
export async function radiusNeighborhoods(
  rt: Runtime,
  queries: Points,
  data: Points,
  radius: number,
): Promise<Neighborhoods> {
  const csr = await radiusNeighbors(rt, queries, data, radius);
  try {
    return await csrToNeighborhoods(rt, csr);
  } catch (e) {
    csr.destroy();
    throw e;
  }
}
