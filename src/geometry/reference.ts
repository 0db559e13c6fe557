/**
 * Float64 brute-force references for the neighbour searches, and a CSR checker.
 *
 * The decision rule, shared with the kernels: coordinates and r are rounded to f32; the squared
 * distance is evaluated in f32 arithmetic as fl(fl(fl(dx^2) + fl(dy^2)) + fl(dz^2)) with each
 * d = fl(x - y) (dz = 0 in 2-D), and a pair is a neighbour when it is <= fl(fl(r)^2). Here every
 * operation is done in float64 and rounded with Math.fround, which gives the correctly rounded
 * f32 result (a float64 result of +, -, * on f32 inputs rounds to f32 without double-rounding
 * error, since 53 >= 2 * 24 + 2), so the GPU and the reference decide every pair identically.
 * One caveat: WebGPU may flush subnormal f32 values to zero; sets whose squared distances fall
 * below 2^-126 (about 1e-38) but are not 0 could then be classified differently.
 */
import { WgnoError } from '../errors';
import { checkK, checkPair, checkRadius } from './points';
import { checkRowSplits } from './check_segments';

/** A CSR graph on the CPU: row q's neighbours are index[rowSplits[q] .. rowSplits[q + 1]). */
export interface CsrArrays {
  /** Shape [rows + 1], ascending, starting at 0. */
  rowSplits: Int32Array;
  /** Shape [nnz]: the neighbour (data point) of each edge, grouped by row. */
  index: Int32Array;
}

const f = Math.fround;

/** The f32 squared distance between point i of `a` and point j of `b` (the rule above). */
export function dist2F32(a: Float32Array, i: number, b: Float32Array, j: number, dim: number) {
  const dx = f(a[i * dim] - b[j * dim]);
  const dy = f(a[i * dim + 1] - b[j * dim + 1]);
  const dz = dim === 3 ? f(a[i * dim + 2] - b[j * dim + 2]) : 0;
  return f(f(f(dx * dx) + f(dy * dy)) + f(dz * dz));
}

/**
 * All data points within distance r of each query (inclusive), rows in ascending data index.
 * @example
 * // two 2-D queries against three data points
 * const { rowSplits, index } = bruteForceNeighbors([0, 0, 5, 5], [0, 1, 9, 9, 0, 0], 2, 1);
 * // rowSplits = [0, 2, 2], index = [0, 2]
 */
export function bruteForceNeighbors(
  queries: ArrayLike<number>,
  data: ArrayLike<number>,
  dim: number,
  r: number,
): CsrArrays {
  const op = 'bruteForceNeighbors';
  const { q, d } = checkPair(op, { coords: queries, dim }, { coords: data, dim });
  const fr = f(checkRadius(op, r));
  const r2 = f(fr * fr);
  const rowSplits = new Int32Array(q.count + 1);
  const index: number[] = [];
  for (let i = 0; i < q.count; i++) {
    for (let j = 0; j < d.count; j++)
      if (dist2F32(q.coords, i, d.coords, j, q.dim) <= r2) index.push(j);
    rowSplits[i + 1] = index.length;
  }
  return { rowSplits, index: Int32Array.from(index) };
}

/**
 * The k nearest data points of each query: rows ascending by f32 squared distance, ties broken
 * by the lower data index. rowSplits[q] = q * k.
 * @example
 * bruteForceKnn([0, 0], [3, 0, 1, 0, -1, 0], 2, 2).index; // [1, 2]: the tie goes to index 1
 */
export function bruteForceKnn(
  queries: ArrayLike<number>,
  data: ArrayLike<number>,
  dim: number,
  k: number,
): CsrArrays {
  const op = 'bruteForceKnn';
  const { q, d } = checkPair(op, { coords: queries, dim }, { coords: data, dim });
  checkK(op, k, d.count);
  const index = new Int32Array(q.count * k);
  const d2 = new Float64Array(d.count);
  const ids = Array.from({ length: d.count }, (_, j) => j);
  for (let i = 0; i < q.count; i++) {
    for (let j = 0; j < d.count; j++) d2[j] = dist2F32(q.coords, i, d.coords, j, q.dim);
    ids.sort((a, b) => d2[a] - d2[b] || a - b);
    index.set(ids.slice(0, k), i * k);
  }
  const rowSplits = Int32Array.from({ length: q.count + 1 }, (_, i) => i * k);
  return { rowSplits, index };
}

/**
 * The transposed CSR of a graph with `nData` columns: row j lists the edge numbers e (positions in
 * `index`) with index[e] = j, ascending. The host twin of transposeCsr (a stable counting sort),
 * and what buildCsr makes the byPoint relation with.
 */
export function transposeCsrReference(csr: CsrArrays, nData: number): CsrArrays {
  validateCsr(csr.rowSplits, csr.index, nData);
  const rowSplits = new Int32Array(nData + 1);
  for (const j of csr.index) rowSplits[j + 1]++;
  for (let j = 0; j < nData; j++) rowSplits[j + 1] += rowSplits[j];
  const next = rowSplits.slice(0, nData);
  const index = new Int32Array(csr.index.length);
  csr.index.forEach((j, e) => (index[next[j]++] = e));
  return { rowSplits, index };
}

/**
 * Throws a WgnoError unless `rowSplits` starts at 0, never decreases, and ends at index.length,
 * and every index is an integer in [0, nData).
 * @example validateCsr(Int32Array.of(0, 2, 3), Int32Array.of(4, 1, 0), 5); // passes
 */
export function validateCsr(
  rowSplits: ArrayLike<number>,
  index: ArrayLike<number>,
  nData: number,
): void {
  const bad = (what: string): never => {
    throw new WgnoError('validateCsr', what);
  };
  checkRowSplits(
    rowSplits,
    index.length,
    { splits: 'rowSplits', index: 'index', minLength: 1 },
    bad,
  );
  for (let e = 0; e < index.length; e++) {
    const j = index[e];
    if (!(Number.isInteger(j) && j >= 0 && j < nData))
      bad(`index[${e}] = ${j} is out of range; indices must be integers in [0, ${nData})`);
  }
}
