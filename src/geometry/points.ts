/**
 * Point sets for the neighbour searches: input validation (before anything touches the GPU) and the
 * uniform cell grid the kernels bin into (kernels/neighbor_search.wgsl, kernels/knn.wgsl).
 */
import { WgnoError } from '../errors';
import { UniformLayout } from '../gpu/uniforms';

/** Points as flat row-major coordinates [count, dim], dim 2 or 3. */
export interface Points {
  /** Row-major [count, dim]: point i is coords[dim * i .. dim * i + dim - 1]. */
  readonly coords: ArrayLike<number>;
  /** 2 or 3. */
  readonly dim: number;
}

/** A validated point set: f32 coordinates, count, and its bounding box (unused axes are 0). */
export interface CheckedPoints {
  readonly coords: Float32Array;
  readonly count: number;
  readonly dim: 2 | 3;
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  /** The largest |coordinate|. */
  readonly maxAbs: number;
}

/** Point counts stay below this so indices, cell ids and byte sizes fit u32 arithmetic. */
export const MAX_POINTS = 2 ** 28;

/**
 * Coordinates stay within +-2^120 so that every sum the grid kernels form (a coordinate plus or
 * minus the search reach, minus the grid origin) is finite in f32: cell_of() never sees NaN.
 */
export const MAX_COORD = 2 ** 120;

export function checkDim(op: string, name: string, dim: unknown): asserts dim is 2 | 3 {
  if (dim !== 2 && dim !== 3)
    throw new WgnoError(op, `${name} = ${String(dim)}; points must be 2-D or 3-D (dim 2 or 3)`);
}

/** Validates one point set: dim, length a positive multiple of dim, finite f32 coordinates. */
export function checkPoints(op: string, name: string, p: Points): CheckedPoints {
  if (typeof p !== 'object' || p === null || p.coords === undefined || p.coords === null)
    throw new WgnoError(op, `${name} must be { coords, dim } with coords [count, dim] row-major`);
  const dim = p.dim;
  checkDim(op, `${name}.dim`, dim);
  const len = p.coords.length;
  if (!(len > 0 && len % dim === 0))
    throw new WgnoError(
      op,
      `${name}.coords has ${len} values, not a positive multiple of ${name}.dim = ${dim}; pass [count, ${dim}] coordinates row-major`,
    );
  if (len / dim > MAX_POINTS)
    throw new WgnoError(op, `${name} has ${len / dim} points; at most ${MAX_POINTS} are supported`);
  const coords = p.coords instanceof Float32Array ? p.coords : Float32Array.from(p.coords);
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  let maxAbs = 0;
  for (let i = 0; i < len; i++) {
    const v = coords[i];
    if (!Number.isFinite(v)) {
      const given = p.coords[i];
      const why = Number.isFinite(given) ? `${given}, which overflows f32` : String(given);
      throw new WgnoError(
        op,
        `${name}.coords[${i}] (point ${Math.floor(i / dim)}, axis ${i % dim}) is ${why}; coordinates must be finite`,
      );
    }
    if (Math.abs(v) > MAX_COORD)
      throw new WgnoError(
        op,
        `${name}.coords[${i}] (point ${Math.floor(i / dim)}, axis ${i % dim}) is ${p.coords[i]}; coordinates must lie within +-2^120`,
      );
    const a = i % dim;
    if (i < dim || v < lo[a]) lo[a] = v;
    if (i < dim || v > hi[a]) hi[a] = v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  return { coords, count: len / dim, dim, lo, hi, maxAbs };
}

/** Validates a query set and a data set that are searched against each other. */
export function checkPair(
  op: string,
  queries: Points,
  data: Points,
): { q: CheckedPoints; d: CheckedPoints } {
  const q = checkPoints(op, 'queries', queries);
  const d = checkPoints(op, 'data', data);
  if (q.dim !== d.dim)
    throw new WgnoError(
      op,
      `queries are ${q.dim}-D but data are ${d.dim}-D; both point sets need the same dim`,
    );
  return { q, d };
}

export function checkRadius(op: string, radius: unknown): number {
  if (typeof radius !== 'number' || !(radius >= 0) || !Number.isFinite(radius))
    throw new WgnoError(op, `radius = ${String(radius)}; need a finite number >= 0`);
  return radius;
}

export function checkK(op: string, k: unknown, n: number): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > n)
    throw new WgnoError(
      op,
      `k = ${String(k)}; need an integer with 1 <= k <= ${n} (the number of data points)`,
    );
  return k;
}

/**
 * The uniform grid: cell (x, y, z) covers lo + [x, x + 1) * cell per axis, id (z gy + y) gx + x.
 * `inv` = fl(1 / cell) is what the kernels multiply by; any point outside is clamped into the grid.
 */
export interface Grid {
  readonly dims: readonly [number, number, number];
  readonly lo: readonly number[];
  readonly cell: number;
  readonly inv: number;
  readonly cells: number;
}

/** Cells per axis are capped so cell_of()'s rounding stays below 2^-8 cells (knn.wgsl). */
const MAX_AXIS = 2 ** 16;

/**
 * A grid over the data's bounding box with cells at least `minCell` wide and at most `maxCells`
 * cells. Cells are also at least (largest |coordinate|) * 2^-20 wide, which bounds cell_of()'s
 * rounding error (the stopping rule of kernels/knn.wgsl relies on it).
 */
export function makeGrid(
  data: CheckedPoints,
  queries: CheckedPoints,
  minCell: number,
  maxCells: number,
): Grid {
  const ext = [0, 1, 2].map((a) => data.hi[a] - data.lo[a]);
  const maxAbs = Math.max(data.maxAbs, queries.maxAbs);
  let cell = Math.max(minCell, Math.max(...ext) / MAX_AXIS, maxAbs * 2 ** -20, 2 ** -100);
  const dimsFor = (c: number) => ext.map((e) => Math.floor(e / c) + 1);
  let dims = dimsFor(cell);
  for (let prod = product(dims); prod > maxCells; prod = product(dims)) {
    cell *= Math.max(1.01, (prod / maxCells) ** (1 / data.dim));
    dims = dimsFor(cell);
  }
  // Round up to f32 so the cells the kernels see are no narrower than asked.
  let cellF = Math.fround(cell);
  if (cellF < cell) cellF = Math.fround(cell * (1 + 2 ** -23));
  return {
    dims: [dims[0], dims[1], dims[2]],
    lo: data.lo,
    cell: cellF,
    inv: Math.fround(1 / cellF),
    cells: product(dims),
  };
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/** Shared by kernels/neighbor_search.wgsl and kernels/knn.wgsl (both declare this struct). */
export const gridParams = new UniformLayout('GridParams', {
  n: 'u32',
  m: 'u32',
  dim: 'u32',
  zero: 'u32',
  gx: 'u32',
  gy: 'u32',
  gz: 'u32',
  k: 'u32',
  lo_x: 'f32',
  lo_y: 'f32',
  lo_z: 'f32',
  inv: 'f32',
  cell: 'f32',
  reach: 'f32',
  r2: 'f32',
});

/** The GridParams of a search; `zero` must stay 0 (it hides products from FMA contraction). */
export function gridValues(
  q: CheckedPoints,
  d: CheckedPoints,
  g: Grid,
  extra: { k?: number; reach?: number; r2?: number },
) {
  return {
    n: d.count,
    m: q.count,
    dim: d.dim,
    zero: 0,
    gx: g.dims[0],
    gy: g.dims[1],
    gz: g.dims[2],
    k: extra.k ?? 0,
    lo_x: g.lo[0],
    lo_y: g.lo[1],
    lo_z: g.lo[2],
    inv: g.inv,
    cell: g.cell,
    reach: extra.reach ?? 0,
    r2: extra.r2 ?? 0,
  };
}
