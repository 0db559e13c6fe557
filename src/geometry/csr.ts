/**
 * The CSR graphs the neighbour searches return, kept on the GPU, and their transpose.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { encodeBounds, encodeRowsOf, encodeSortByKey } from './primitives';
import { Workspace, guarded } from './workspace';
import type { CsrArrays } from './reference';

/**
 * A CSR graph on the GPU: row i's column indices are index[rowSplits[i] .. rowSplits[i + 1]).
 * Both buffers hold u32 (read() returns them as Int32Array). `index` has at least one word even
 * when nnz = 0 (WebGPU buffers cannot be empty).
 */
export class NeighborCsr {
  constructor(
    private readonly rt: Runtime,
    /** Number of rows (queries; data points for a transpose). */
    readonly rows: number,
    /** Indices lie in [0, cols) (data points; edges for a transpose). */
    readonly cols: number,
    /** Number of entries (edges). */
    readonly nnz: number,
    /** u32 [rows + 1], starts at 0, ends at nnz. */
    readonly rowSplits: GPUBuffer,
    /** u32 [nnz]. */
    readonly index: GPUBuffer,
  ) {}

  /** Copies both arrays to the CPU. */
  async read(): Promise<CsrArrays> {
    const splits = await this.rt.readBuffer(this.rowSplits, 4 * (this.rows + 1));
    const rowSplits = new Int32Array(splits.buffer, splits.byteOffset, this.rows + 1);
    if (this.nnz === 0) return { rowSplits, index: new Int32Array(0) };
    const index = await this.rt.readBuffer(this.index, 4 * this.nnz);
    return { rowSplits, index: new Int32Array(index.buffer, index.byteOffset, this.nnz) };
  }

  /** Frees both GPU buffers; the CSR is unusable afterwards. */
  destroy(): void {
    this.rowSplits.destroy();
    this.index.destroy();
  }
}

/**
 * The transpose of a CSR, built on the GPU: row j lists the edges e (positions in csr.index)
 * whose index is j, in ascending e. The result has rows = csr.cols, cols = nnz = csr.nnz. For the
 * backward pass of message passing: the gradient of a gather over edges is a segment sum over
 * this CSR's rows, in a fixed order, with no float atomics.
 * Built as a stable sort of the edges by their index (kernels/sort_by_key.wgsl), so the order is
 * deterministic; `csr` is not changed.
 * @example
 * const graph = await radiusNeighbors(rt, queries, data, 0.1);
 * const incoming = await transposeCsr(rt, graph); // incoming.rows = number of data points
 */
export async function transposeCsr(rt: Runtime, csr: NeighborCsr): Promise<NeighborCsr> {
  const op = 'transposeCsr';
  if (!(csr instanceof NeighborCsr))
    throw new WgnoError(op, 'csr must be a NeighborCsr (from radiusNeighbors or knnNeighbors)');
  return guarded(rt, op, async () => {
    const rec = new Workspace(rt, 'wgno.transpose_csr');
    try {
      const splits = rec.buffer('row_splits', csr.cols + 1);
      let index: GPUBuffer;
      if (csr.nnz === 0) {
        index = rec.buffer('index', 1);
        encodeBounds(rec, index, 0, csr.cols, splits);
      } else {
        const sorted = encodeSortByKey(rec, csr.index, csr.nnz);
        encodeBounds(rec, sorted.keys, csr.nnz, csr.cols, splits);
        index = sorted.values;
      }
      await rec.submit();
      rec.release([splits, index]);
      return new NeighborCsr(rt, csr.cols, csr.nnz, csr.nnz, splits, index);
    } catch (e) {
      rec.release();
      throw e;
    }
  });
}

/**
 * The row of every entry of a CSR, u32 [nnz] (at least one word), built on the GPU: neuraloperator's
 * `repeat_interleave(arange(rows), diff(rowSplits))`, i.e. the query of each edge of a neighbour
 * graph. The caller owns (and destroys) the buffer.
 * @example
 * const graph = await radiusNeighbors(rt, queries, data, 0.1);
 * const queryOfEdge = await csrRowIds(rt, graph); // GPUBuffer, u32 [graph.nnz]
 */
export async function csrRowIds(rt: Runtime, csr: NeighborCsr): Promise<GPUBuffer> {
  const op = 'csrRowIds';
  if (!(csr instanceof NeighborCsr))
    throw new WgnoError(op, 'csr must be a NeighborCsr (from radiusNeighbors or knnNeighbors)');
  return guarded(rt, op, async () => {
    const rec = new Workspace(rt, 'wgno.csr_row_ids');
    const out = rec.buffer('row_ids', csr.nnz);
    try {
      if (csr.nnz > 0) encodeRowsOf(rec, csr.rowSplits, csr.rows, csr.nnz, out);
      await rec.submit();
      rec.release([out]);
      return out;
    } catch (e) {
      rec.release();
      throw e;
    }
  });
}
