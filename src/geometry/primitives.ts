/**
 * Deterministic GPU building blocks of the neighbour searches, recorded into a Workspace:
 * an exclusive prefix sum (kernels/scan.wgsl) and a stable sort by key with segment bounds
 * (kernels/sort_by_key.wgsl). Neither uses atomics, so every run gives the same bits.
 */
import { defineKernel } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import scanSource from '../../kernels/scan.wgsl?raw';
import sortSource from '../../kernels/sort_by_key.wgsl?raw';
import type { Workspace } from './workspace';

/** Elements one scan invocation sums serially; each scan level divides the length by this. */
export const SCAN_CHUNK = 64;

export const scanParams = new UniformLayout('ScanParams', { n: 'u32', has_offsets: 'u32' });
const scanReduce = defineKernel({
  name: 'scan',
  entry: 'reduce',
  source: scanSource,
  params: scanParams,
  storage: ['read', 'read_write'],
});
const scanApply = defineKernel({
  name: 'scan',
  entry: 'apply',
  source: scanSource,
  params: scanParams,
  storage: ['read', 'read_write', 'read'],
});

/**
 * Records out[i] = x[0] + ... + x[i - 1] for i = 0..n (out has n + 1 words; out[n] is the total,
 * saturated at 2^32 - 1). Multi-level: chunk totals are scanned the same way until one chunk is left.
 */
export function encodeScan(ws: Workspace, x: GPUBuffer, n: number, out: GPUBuffer): void {
  const chunks = Math.max(1, Math.ceil(n / SCAN_CHUNK));
  const o = { CHUNK: SCAN_CHUNK };
  if (chunks === 1) {
    ws.dispatch(scanApply, { n, has_offsets: 0 }, [x, out, x], 1, o);
    return;
  }
  const sums = ws.buffer(`scan[${n}]/sums`, chunks);
  ws.dispatch(scanReduce, { n, has_offsets: 0 }, [x, sums], chunks, o);
  const offsets = ws.buffer(`scan[${n}]/offsets`, chunks + 1);
  encodeScan(ws, sums, chunks, offsets);
  ws.dispatch(scanApply, { n, has_offsets: 1 }, [x, out, offsets], chunks, o);
}

export const sortParams = new UniformLayout('SortParams', {
  n: 'u32',
  width: 'u32',
  segments: 'u32',
  iota: 'u32',
});
const mergeKernel = defineKernel({
  name: 'sort_by_key',
  entry: 'merge',
  source: sortSource,
  params: sortParams,
  storage: ['read', 'read', 'read_write', 'read_write'],
});
const boundsKernel = defineKernel({
  name: 'sort_by_key',
  entry: 'bounds',
  source: sortSource,
  params: sortParams,
  storage: ['read', 'read_write'],
});

/**
 * Records a stable sort of keys[0..n) (n >= 1) carrying the values 0..n-1: a bottom-up merge
 * sort, ceil(log2 n) passes (at least one), each placing every element by binary search.
 * Returns the buffers holding the sorted keys and the permutation (`keys` itself is not changed).
 */
export function encodeSortByKey(
  ws: Workspace,
  keys: GPUBuffer,
  n: number,
): { keys: GPUBuffer; values: GPUBuffer } {
  const pairs: [GPUBuffer, GPUBuffer][] = [];
  let kIn = keys;
  let vIn = keys; // not read in the first pass (iota = 1)
  let pass = 0;
  for (let width = 1; pass === 0 || width < n; width *= 2, pass++) {
    if (pairs.length < 2)
      pairs.push([
        ws.buffer(`sort[${n}]/keys${pass}`, n),
        ws.buffer(`sort[${n}]/values${pass}`, n),
      ]);
    const [kOut, vOut] = pairs[pass % 2];
    const values = { n, width, segments: 0, iota: pass === 0 ? 1 : 0 };
    ws.dispatch(mergeKernel, values, [kIn, vIn, kOut, vOut], n);
    [kIn, vIn] = [kOut, vOut];
  }
  return { keys: kIn, values: vIn };
}

const rowsOfKernel = defineKernel({
  name: 'sort_by_key',
  entry: 'rows_of',
  source: sortSource,
  params: sortParams,
  storage: ['read', 'read_write'],
});

/**
 * Records splits[s] = the number of sorted keys < s, for s = 0..segments (splits has
 * segments + 1 words): the row splits of a CSR whose rows are the key values.
 */
export function encodeBounds(
  ws: Workspace,
  sortedKeys: GPUBuffer,
  n: number,
  segments: number,
  splits: GPUBuffer,
): void {
  const values = { n, width: 0, segments, iota: 0 };
  ws.dispatch(boundsKernel, values, [sortedKeys, splits], segments + 1);
}

/**
 * Records rows[e] = the row of entry e of a CSR with `rows` rows and `nnz` entries (each entry
 * finds its row by binary search in the row splits; rows has nnz words).
 */
export function encodeRowsOf(
  ws: Workspace,
  rowSplits: GPUBuffer,
  rows: number,
  nnz: number,
  out: GPUBuffer,
): void {
  const values = { n: rows + 1, width: 0, segments: nnz, iota: 0 };
  ws.dispatch(rowsOfKernel, values, [rowSplits, out], nnz);
}
