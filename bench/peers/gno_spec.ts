/**
 * The GNO layer that bench/gno.bench.ts runs in every library, and the problem it runs on:
 * neuraloperator's IntegralTransform with transformType 'linear' and reduction 'sum' on a 2-D point
 * cloud (queries = data points), kernel MLP [y_j, x_i] (4) -> hidden -> hidden -> c with exact GELU,
 *   out[i, :] = sum_{j in N(i)} k(y_j, x_i) * f(y_j).
 * Neighbourhoods are CSR (neuraloperator's neighbors_row_splits / neighbors_index), built here on
 * the CPU by a cell-grid radius search. The weights are wgno's, read back and keyed by its
 * state_dict names (`channel_mlp.fcs.{k}.weight` [out, in], `.bias` [out]).
 */
import { Rng } from '../../src/index';

/** One benchmark size: n points, the kernel MLP's hidden width and the channels c of f_y. */
export interface GnoCase {
  n: number;
  hidden: number;
  channels: number;
}

/** Expected neighbours of an interior point (self included): pi r^2 n. */
export const MEAN_NEIGHBOURS = 20;

/** The point cloud, its CSR neighbourhoods and the inputs every library gets. */
export interface GnoProblem extends GnoCase {
  radius: number;
  /** [n, 2] row-major, uniform in the unit square. */
  points: Float32Array;
  /** [n + 1] and [nnz]: point i's neighbours are index[rowSplits[i] .. rowSplits[i + 1] - 1]. */
  rowSplits: Int32Array;
  index: Int32Array;
  /** [nnz]: the query (row) of each edge, neuraloperator's repeat_interleave of the rows. */
  queryOf: Int32Array;
  nnz: number;
  /** f_y [n, c] and the output cotangent [n, c] of the backward rows (loss = sum(out * g)). */
  f: Float32Array;
  g: Float32Array;
}

/** Kernel-MLP weights in layer order: [weight [out, in], bias [out]] per layer. */
export interface GnoWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Gradients read back: one array per weight (same names) plus 'f_y'. */
export type GnoGrads = Map<string, Float32Array>;

/** What bench/gno.bench.ts needs from each peer implementation. */
export interface PeerGno {
  /** One forward pass, waiting for the GPU; with `read`, reading the output back instead. */
  forward(read?: boolean): Promise<void>;
  /** Forward + gradients w.r.t. the kernel MLP and f_y; `read` reads the f_y gradient back. */
  forwardBackward(read?: boolean): Promise<void>;
  /** Forward output read back: [n, c] row-major. */
  output(): Promise<Float32Array>;
  /** Gradients of sum(out * g) read back. */
  gradients(): Promise<GnoGrads>;
  dispose(): void;
}

/**
 * Fixed-radius neighbourhoods (distance <= r, self included, as torch_cluster's radius) by a cell
 * grid of side r: each query scans the 3 x 3 cells around its own. Neighbours are listed in
 * ascending index order.
 */
export function radiusCsr(
  points: Float32Array,
  n: number,
  r: number,
): { rowSplits: Int32Array; index: Int32Array } {
  const side = Math.max(1, Math.floor(1 / r));
  const cellOf = (v: number) => Math.min(side - 1, Math.max(0, Math.floor(v * side)));
  const cell = new Int32Array(n);
  const start = new Int32Array(side * side + 1);
  for (let i = 0; i < n; i++) {
    cell[i] = cellOf(points[2 * i + 1]) * side + cellOf(points[2 * i]);
    start[cell[i] + 1]++;
  }
  for (let c = 0; c < side * side; c++) start[c + 1] += start[c];
  const next = start.slice(0, side * side);
  const byCell = new Int32Array(n);
  for (let i = 0; i < n; i++) byCell[next[cell[i]]++] = i;
  const rowSplits = new Int32Array(n + 1);
  const index: number[] = [];
  const r2 = r * r;
  for (let i = 0; i < n; i++) {
    const [px, py] = [points[2 * i], points[2 * i + 1]];
    const [cx, cy] = [cell[i] % side, Math.floor(cell[i] / side)];
    const row: number[] = [];
    for (let y = Math.max(0, cy - 1); y <= Math.min(side - 1, cy + 1); y++)
      for (let x = Math.max(0, cx - 1); x <= Math.min(side - 1, cx + 1); x++)
        for (let k = start[y * side + x]; k < start[y * side + x + 1]; k++) {
          const j = byCell[k];
          const [dx, dy] = [points[2 * j] - px, points[2 * j + 1] - py];
          if (dx * dx + dy * dy <= r2) row.push(j);
        }
    row.sort((a, b) => a - b);
    for (const j of row) index.push(j);
    rowSplits[i + 1] = index.length;
  }
  return { rowSplits, index: Int32Array.from(index) };
}

/** Seeded point cloud, CSR, f_y and cotangent for one case. */
export function gnoProblem(c: GnoCase, seed = 11): GnoProblem {
  const rng = new Rng(seed + c.n);
  const points = rng.uniforms(2 * c.n);
  const radius = Math.sqrt(MEAN_NEIGHBOURS / (Math.PI * c.n));
  const { rowSplits, index } = radiusCsr(points, c.n, radius);
  const queryOf = new Int32Array(index.length);
  for (let i = 0; i < c.n; i++) queryOf.fill(i, rowSplits[i], rowSplits[i + 1]);
  return {
    ...c,
    radius,
    points,
    rowSplits,
    index,
    queryOf,
    nnz: index.length,
    f: rng.normals(c.n * c.channels),
    g: rng.normals(c.n * c.channels),
  };
}

/** Neighbour counts: min, mean, max over the queries. */
export function degreeStats(p: GnoProblem): { min: number; mean: number; max: number } {
  let [min, max] = [Infinity, 0];
  for (let i = 0; i < p.n; i++) {
    const d = p.rowSplits[i + 1] - p.rowSplits[i];
    [min, max] = [Math.min(min, d), Math.max(max, d)];
  }
  return { min, mean: p.nnz / p.n, max };
}

/** Floating-point operations of one forward pass: the kernel MLP's matmuls on every edge. */
export function forwardFlop(p: GnoProblem): number {
  const dims = [4, p.hidden, p.hidden, p.channels];
  let perEdge = 0;
  for (let k = 0; k + 1 < dims.length; k++) perEdge += 2 * dims[k] * dims[k + 1];
  return perEdge * p.nnz;
}
