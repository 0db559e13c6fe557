/**
 * Irregular point clouds from fields on a regular node grid, for graph neural operators (GNO,
 * GINO) trained on data such as the Darcy set: a field [s, s] or [n, s, s] has node (i, j) at
 * (x, y) = (i, j) / (s - 1) in [0, 1]^2 (axis -2 is x). Points are seeded and deterministic; the
 * same (s, count, seed, mode) gives the same points, so calling this on `coeff` and on `sol` with
 * one seed samples both at the same places.
 */
import { WgnoError, fmtShape } from '../errors';
import { checkHostTensor, type HostTensor } from '../io/host_tensor';
import { Rng } from '../random';
import { interpolateGrid } from './poisson';

/** Options of `samplePointCloud`. */
export interface PointCloudOptions {
  /**
   * 'bilinear' (default): points uniform in [0, 1]^2, values interpolated bilinearly from the four
   * surrounding nodes. 'nodes': `count` distinct grid nodes chosen uniformly, their exact values
   * (use it for piecewise-constant fields such as the Darcy coefficient).
   */
  mode?: 'bilinear' | 'nodes';
}

/** Random points of the unit square and a field's values there. */
export interface PointCloud {
  /** [count, 2]: (x, y) of each point. */
  points: HostTensor;
  /** [count] for a field [s, s]; [n, count] for fields [n, s, s] (the same points for all n). */
  values: HostTensor;
}

/**
 * @example
 * const { points, values } = samplePointCloud(ds.sol, 1000, 7); // values: [n, 1000]
 * const a = samplePointCloud(ds.coeff, 1000, 7, { mode: 'bilinear' }).values; // same points
 */
export function samplePointCloud(
  field: HostTensor,
  count: number,
  seed: number,
  opts: PointCloudOptions = {},
): PointCloud {
  const { mode = 'bilinear' } = opts;
  const { s, n } = checkArgs(field, count, mode);
  const rng = new Rng(seed);
  const nodes = mode === 'nodes' ? pickNodes(rng, s, count) : null;
  const points = nodes
    ? Float32Array.from({ length: 2 * count }, (_, k) =>
        k % 2 === 0 ? Math.floor(nodes[k >> 1] / s) / (s - 1) : (nodes[k >> 1] % s) / (s - 1),
      )
    : rng.uniforms(2 * count);
  const values = new Float32Array(n * count);
  for (let b = 0; b < n; b++) {
    const f = field.data.subarray(b * s * s, (b + 1) * s * s);
    for (let p = 0; p < count; p++)
      values[b * count + p] = nodes
        ? f[nodes[p]]
        : interpolateGrid(f, s, points[2 * p], points[2 * p + 1]);
  }
  return {
    points: { dtype: 'f32', shape: [count, 2], data: points },
    values: { dtype: 'f32', shape: field.shape.length === 3 ? [n, count] : [count], data: values },
  };
}

/** The grid size s and field count n of a valid call. */
function checkArgs(field: HostTensor, count: number, mode: string): { s: number; n: number } {
  const op = 'samplePointCloud';
  checkHostTensor(op, 'field', field);
  const shape = field.shape;
  const s = shape[shape.length - 1];
  const rank = shape.length;
  if (field.dtype !== 'f32' || (rank !== 2 && rank !== 3) || shape[rank - 2] !== s || s < 2)
    throw new WgnoError(
      op,
      `field is ${field.dtype} ${fmtShape(shape)}; expected f32 [s, s] or [n, s, s] with s >= 2`,
    );
  if (mode !== 'bilinear' && mode !== 'nodes')
    throw new WgnoError(op, `mode '${mode}'; use 'bilinear' or 'nodes'`);
  const nodes = mode === 'nodes';
  if (!Number.isInteger(count) || count < 1 || (nodes && count > s * s))
    throw new WgnoError(
      op,
      `count = ${count}; need an integer >= 1${nodes ? ` and <= s * s = ${s * s} distinct nodes` : ''}`,
    );
  return { s, n: rank === 3 ? shape[0] : 1 };
}

/** count distinct node indices i s + j, uniformly (a partial Fisher-Yates shuffle). */
function pickNodes(rng: Rng, s: number, count: number): Uint32Array {
  const order = Uint32Array.from({ length: s * s }, (_, k) => k);
  for (let p = 0; p < count; p++) {
    const q = p + Math.floor(rng.uniform() * (order.length - p));
    [order[p], order[q]] = [order[q], order[p]];
  }
  return order.subarray(0, count);
}
