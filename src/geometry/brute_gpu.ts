/**
 * Fixed-radius search by brute force on the GPU (kernels/neighbor_brute.wgsl): every query
 * against every data point, O(m n). The cell-grid search (radiusNeighbors) is the one to use; this
 * is its independent cross-check and the baseline of bench/neighbors.bench.ts. Same f32 distance
 * rule, so the result equals bruteForceNeighbors and radiusNeighbors exactly.
 */
import { defineKernel } from '../gpu/kernel';
import type { Runtime } from '../gpu/runtime';
import source from '../../kernels/neighbor_brute.wgsl?raw';
import { NeighborCsr } from './csr';
import { checkEdges } from './neighbors';
import { checkPair, checkRadius, gridParams, gridValues, makeGrid, type Points } from './points';
import { encodeScan } from './primitives';
import { Recorder, guarded } from './recorder';

const countKernel = defineKernel({
  name: 'neighbor_brute',
  entry: 'count',
  source,
  params: gridParams,
  storage: ['read', 'read', 'read_write'],
});
const writeKernel = defineKernel({
  name: 'neighbor_brute',
  entry: 'write',
  source,
  params: gridParams,
  storage: ['read', 'read', 'read', 'read_write'],
});

/**
 * radiusNeighbors without the grid: the same CSR, in O(m n) GPU work.
 * @example
 * const g = await radiusNeighborsBrute(rt, queries, data, 0.1); // equals radiusNeighbors(...)
 */
export async function radiusNeighborsBrute(
  rt: Runtime,
  queries: Points,
  data: Points,
  radius: number,
): Promise<NeighborCsr> {
  const op = 'radiusNeighborsBrute';
  const { q, d } = checkPair(op, queries, data);
  const fr = Math.fround(checkRadius(op, radius));
  const params = gridValues(q, d, makeGrid(d, q, 0, 1), { r2: Math.fround(fr * fr) });
  return guarded(rt, op, async () => {
    const rec = new Recorder(rt, 'wgno.radius_neighbors_brute');
    try {
      const points = [rec.upload('data', d.coords), rec.upload('queries', q.coords)];
      const counts = rec.buffer('counts', q.count);
      rec.dispatch(countKernel, params, [...points, counts], q.count);
      const splits = rec.buffer('row_splits', q.count + 1);
      encodeScan(rec, counts, q.count, splits);
      const total = rec.buffer('nnz', 1);
      await rec.submit((enc) => enc.copyBufferToBuffer(splits, 4 * q.count, total, 0, 4));
      const nnz = new Uint32Array((await rt.readBuffer(total, 4)).buffer)[0];
      checkEdges(op, rt, nnz, q.count);
      const index = rec.buffer('index', nnz);
      rec.dispatch(writeKernel, params, [...points, splits, index], q.count);
      await rec.submit();
      rec.release([splits, index]);
      return new NeighborCsr(rt, q.count, d.count, nnz, splits, index);
    } catch (e) {
      rec.release();
      throw e;
    }
  });
}
