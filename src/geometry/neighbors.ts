/**
 * Neighbour search on the GPU for graph neural operators (GNO, GINO): fixed-radius and k-nearest
 * neighbours between a query set and a data set of 2-D or 3-D points, returned as CSR graphs.
 *
 * Both bin the data into a uniform cell grid (kernels/neighbor_search.wgsl `cell_keys`), sort the
 * points by (cell, index) with a stable merge sort and find each cell's start by binary search
 * (kernels/sort_by_key.wgsl). The radius search then counts each query's neighbours in the cells
 * its box touches, scans the counts into row splits (kernels/scan.wgsl), reads back the one u32
 * total to size the index buffer, writes each row and sorts it in place (insertion sort, or
 * heapsort for long rows), so rows come out in ascending data index. The k-nearest search keeps each query's k best in its
 * own row (kernels/knn.wgsl). No float atomics and no atomics at all: the same inputs give the
 * same bits, equal to bruteForceNeighbors / bruteForceKnn (src/geometry/reference.ts explains the
 * f32 distance rule that makes the comparison exact).
 */
import { WgnoError } from '../errors';
import { defineKernel, type KernelDef } from '../gpu/kernel';
import type { UniformValues } from '../gpu/uniforms';
import type { Runtime } from '../runtime/runtime';
import searchSource from '../../kernels/neighbor_search.wgsl?raw';
import knnSource from '../../kernels/knn.wgsl?raw';
import { NeighborCsr } from './csr';
import {
  checkK,
  checkPair,
  checkRadius,
  gridParams,
  gridValues,
  makeGrid,
  type CheckedPoints,
  type Grid,
  type Points,
} from './points';
import { encodeBounds, encodeScan, encodeSortByKey } from './primitives';
import { Workspace, guarded } from './workspace';

const searchKernel = (entry: string, storage: ('read' | 'read_write')[]) =>
  defineKernel({
    name: 'neighbor_search',
    entry,
    source: searchSource,
    params: gridParams,
    storage,
  });
const cellKeys = searchKernel('cell_keys', ['read', 'read_write']);
const countKernel = searchKernel('count', ['read', 'read', 'read', 'read', 'read_write']);
const writeKernel = searchKernel('write', ['read', 'read', 'read', 'read', 'read', 'read_write']);
const knnKernel = defineKernel({
  name: 'knn',
  entry: 'knn',
  source: knnSource,
  params: gridParams,
  storage: ['read', 'read', 'read', 'read', 'read_write', 'read_write'],
});
const fixedSplits = defineKernel({
  name: 'knn',
  entry: 'fixed_splits',
  source: knnSource,
  params: gridParams,
  storage: ['read_write'],
});

/** Cells are this much wider than the search reach: a query box then spans 2 or 3 cells. */
const CELL_MARGIN = 1 + 2 ** -7;

/**
 * For every query point, the data points y with |x - y| <= radius (inclusive), as a CSR graph
 * with rows = queries, rows in ascending data index. Distances follow the f32 rule of
 * src/geometry/reference.ts, so the result equals bruteForceNeighbors exactly.
 * Inputs are validated before any GPU work; the only readback is the edge count.
 * @example
 * const rt = await init();
 * const data = { coords: new Float32Array([0, 0, 1, 0, 0, 3]), dim: 2 };
 * const g = await radiusNeighbors(rt, data, data, 1);
 * const { rowSplits, index } = await g.read(); // [0, 2, 4, 5], [0, 1, 0, 1, 2]
 * g.destroy();
 */
export async function radiusNeighbors(
  rt: Runtime,
  queries: Points,
  data: Points,
  radius: number,
): Promise<NeighborCsr> {
  const op = 'radiusNeighbors';
  const { q, d } = checkPair(op, queries, data);
  const { grid, reach, r2 } = radiusGrid(q, d, checkRadius(op, radius));
  const params = gridValues(q, d, grid, { reach, r2 });
  return guarded(rt, op, async () => {
    const ws = new Workspace(rt, 'wgno.radius_neighbors');
    try {
      const bins = encodeBinning(ws, d, grid, params);
      const searched = [bins.data, ws.upload('queries', q.coords), bins.order, bins.cellStart];
      const kernels = { count: countKernel, write: writeKernel };
      return await countScanWrite(ws, op, kernels, params, searched, [q.count, d.count]);
    } catch (e) {
      ws.release();
      throw e;
    }
  });
}

/**
 * For every query point, its k nearest data points, as a CSR graph with k entries per row
 * (rowSplits[i] = i k), each row ascending by distance, ties broken by the lower data index.
 * Distances follow the f32 rule of src/geometry/reference.ts, so the result equals
 * bruteForceKnn exactly. No readback at all.
 * @example
 * const g = await knnNeighbors(rt, { coords: [0, 0], dim: 2 }, { coords: [3, 0, 1, 0, -1, 0], dim: 2 }, 2);
 * (await g.read()).index; // [1, 2]
 */
export async function knnNeighbors(
  rt: Runtime,
  queries: Points,
  data: Points,
  k: number,
): Promise<NeighborCsr> {
  const op = 'knnNeighbors';
  const { q, d } = checkPair(op, queries, data);
  checkK(op, k, d.count);
  const nnz = q.count * k;
  checkEdges(op, rt, nnz, q.count);
  // About max(1, k / 16) data points per cell: a query then usually stops after 2 or 3 shells.
  const grid = makeGrid(d, q, 0, Math.max(1, Math.ceil(d.count / Math.max(1, k / 16))));
  const params = gridValues(q, d, grid, { k });
  return guarded(rt, op, async () => {
    const ws = new Workspace(rt, 'wgno.knn_neighbors');
    try {
      const bins = encodeBinning(ws, d, grid, params);
      const queryBuf = ws.upload('queries', q.coords);
      const index = ws.buffer('index', nnz);
      const dist2 = ws.buffer('dist2', nnz);
      const searched = [bins.data, queryBuf, bins.order, bins.cellStart];
      ws.dispatch(knnKernel, params, [...searched, index, dist2], q.count);
      const splits = ws.buffer('row_splits', q.count + 1);
      ws.dispatch(fixedSplits, params, [splits], q.count + 1);
      await ws.submit();
      ws.release([splits, index]);
      return new NeighborCsr(rt, q.count, d.count, nnz, splits, index);
    } catch (e) {
      ws.release();
      throw e;
    }
  });
}

/**
 * The grid and f32 thresholds of a radius search: r2 = fl(fl(r)^2), and the reach that bounds
 * every accepted pair's per-axis distance (see neighbor_search.wgsl); with coordinates within
 * +-2^120 no pair is 2^122 apart, so larger radii are capped there. Exported for tests.
 */
export function radiusGrid(
  q: CheckedPoints,
  d: CheckedPoints,
  radius: number,
): { grid: Grid; reach: number; r2: number } {
  const fr = Math.fround(radius);
  const reach = Math.min(Math.fround(fr * (1 + 2 ** -16) + 2 ** -100), 2 ** 122);
  const grid = makeGrid(d, q, reach * CELL_MARGIN, Math.max(1, 2 * d.count));
  return { grid, reach, r2: Math.fround(fr * fr) };
}

/** Uploads the data, bins it, and sorts it by (cell, index); cellStart has cells + 1 words. */
function encodeBinning(
  ws: Workspace,
  d: CheckedPoints,
  grid: Grid,
  params: ReturnType<typeof gridValues>,
): { data: GPUBuffer; order: GPUBuffer; cellStart: GPUBuffer } {
  const data = ws.upload('data', d.coords);
  const keys = ws.buffer('cell_keys', d.count);
  ws.dispatch(cellKeys, params, [data, keys], d.count);
  const sorted = encodeSortByKey(ws, keys, d.count);
  const cellStart = ws.buffer('cell_start', grid.cells + 1);
  encodeBounds(ws, sorted.keys, d.count, grid.cells, cellStart);
  return { data, order: sorted.values, cellStart };
}

type GridFields = typeof gridParams.fields;
type GridKernel = KernelDef<GridFields>;

/**
 * The two passes both radius searches share: count each query's neighbours (`kernels.count`,
 * inputs `searched` then the counts), scan the counts into row splits, read back the total (the
 * one readback), then write every row (`kernels.write`, inputs `searched`, splits, index).
 */
export async function countScanWrite(
  ws: Workspace,
  op: string,
  kernels: { count: GridKernel; write: GridKernel },
  params: UniformValues<GridFields>,
  searched: readonly GPUBuffer[],
  [m, n]: readonly [number, number],
): Promise<NeighborCsr> {
  const counts = ws.buffer('counts', m);
  ws.dispatch(kernels.count, params, [...searched, counts], m);
  const splits = ws.buffer('row_splits', m + 1);
  encodeScan(ws, counts, m, splits);
  const total = ws.buffer('nnz', 1);
  await ws.submit((enc) => enc.copyBufferToBuffer(splits, 4 * m, total, 0, 4));
  const nnz = new Uint32Array((await ws.rt.readBuffer(total, 4)).buffer)[0];
  checkEdges(op, ws.rt, nnz, m);
  const index = ws.buffer('index', nnz);
  ws.dispatch(kernels.write, params, [...searched, splits, index], m);
  await ws.submit();
  ws.release([splits, index]);
  return new NeighborCsr(ws.rt, m, n, nnz, splits, index);
}

/** Throws unless nnz indices fit one bindable buffer and row splits fit i32 (for read()). */
export function checkEdges(op: string, rt: Runtime, nnz: number, rows: number): void {
  const max = Math.min(rt.device.limits.maxStorageBufferBindingSize / 4, 2 ** 31 - 1);
  if (nnz > max)
    throw new WgnoError(
      op,
      `the ${rows} queries have ${nnz >= 2 ** 32 - 1 ? 'at least 2^32 - 1' : nnz} neighbours in all, more than the ${Math.floor(max)} one index buffer can hold on this device; use a smaller radius or k, or search fewer queries at a time`,
    );
}
