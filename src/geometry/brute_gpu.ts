/**
 * Fixed-radius search by brute force on the GPU (kernels/neighbor_brute.wgsl): every query
 * against every data point, O(m n). The cell-grid search (radiusNeighbors) is the one to use; this
 * is its independent cross-check and the baseline of bench/neighbors.bench.ts. Same f32 distance
 * rule, so the result equals bruteForceNeighbors and radiusNeighbors exactly.
 */
import { defineKernel } from '../gpu/kernel';
import type { Runtime } from '../runtime/runtime';
import source from '../../kernels/neighbor_brute.wgsl?raw';
import type { NeighborCsr } from './csr';
import { countScanWrite } from './neighbors';
import { checkPair, checkRadius, gridParams, gridValues, makeGrid, type Points } from './points';
import { Workspace, guarded } from './workspace';

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
    const ws = new Workspace(rt, 'wgno.radius_neighbors_brute');
    try {
      const points = [ws.upload('data', d.coords), ws.upload('queries', q.coords)];
      const kernels = { count: countKernel, write: writeKernel };
      return await countScanWrite(ws, op, kernels, params, points, [q.count, d.count]);
    } catch (e) {
      ws.release();
      throw e;
    }
  });
}
