/**
 * Darcy flow on irregular point clouds for `wgno darcy-train` and `wgno darcy-eval` (the setup of
 * tools/experiments/darcy_gno.mjs): `count` grid nodes drawn once per seed from a darcy-generate
 * set (coeff, sol [n, s, s]) are the cloud. The input at each point is (normalised a, 2x - 1,
 * 2y - 1), point-major [n, count, 3]; the target u / uScale is [n, count, 1], scored by the
 * Trainer's layout 'channels-last' (a relative L2 over the points of each sample; it is
 * invariant to uScale, so the errors are those of u). A GNO works on the cloud's radius graph; a
 * GINO maps the cloud to a latent grid on [0, 1]^2 and back.
 */
import { WgnoError } from '../errors';
import { radiusNeighborhoods } from '../geometry/neighborhoods';
import type { Tensor } from '../graph/tensor';
import type { HostTensor } from '../io/host_tensor';
import { readSafetensors } from '../io/safetensors';
import { GINO, type GINOConfig } from '../models/gino';
import { GNO, type GNOConfig } from '../models/gno';
import { samplePointCloud } from '../pde/point_cloud';
import type { Runtime } from '../runtime/runtime';
import type { HostArray } from '../train/data';
import type { TrainableModel } from '../train/trainer_options';
import { readInputFile } from './files';

/** What config.json of a point-cloud run holds: enough to rebuild the model and its clouds. */
export interface CloudRun {
  type: 'gno' | 'gino';
  /** The model's constructor options, channels included. */
  model: GNOConfig | GINOConfig;
  points: number;
  cloudSeed: number;
  /** GINO's latent grid is latent x latent. */
  latent: number;
  uScale: number;
}

export interface DarcySet {
  coeff: HostTensor;
  sol: HostTensor;
}

export interface Cloud {
  points: Float32Array;
  inputs: HostArray;
  targets: HostArray;
}

/** The GNO or GINO over one cloud (its neighbourhoods made once), as the Trainer's model. */
export interface CloudModel extends TrainableModel {
  destroy(): void;
}

export async function readDarcySet(op: string, path: string, what: string): Promise<DarcySet> {
  const t = readSafetensors(await readInputFile(op, path, what));
  const [coeff, sol] = [t.get('coeff'), t.get('sol')];
  if (!coeff || !sol || coeff.shape.length !== 3 || sol.shape.join() !== coeff.shape.join())
    throw new WgnoError(op, `${path} needs tensors coeff and sol [n, s, s] (wgno darcy-generate)`);
  return { coeff, sol };
}

/** Samples first .. first + n - 1 of a [n, s, s] field. */
function samples(t: HostTensor, first: number, n: number): HostTensor {
  const size = t.shape[1] * t.shape[2];
  const data = t.data.subarray(first * size, (first + n) * size);
  return { dtype: t.dtype, shape: [n, t.shape[1], t.shape[2]], data };
}

/** The inputs and targets of samples first .. first + n - 1 at the cloud of (count, seed). */
export function cloudData(
  ds: DarcySet,
  range: [first: number, n: number],
  count: number,
  seed: number,
  uScale: number,
): Cloud {
  const n = range[1];
  const a = samplePointCloud(samples(ds.coeff, ...range), count, seed, { mode: 'nodes' });
  const u = samplePointCloud(samples(ds.sol, ...range), count, seed, { mode: 'nodes' });
  const pts = a.points.data;
  const x = new Float32Array(n * count * 3);
  for (let k = 0; k < n * count; k++) {
    const p = k % count;
    // darcy-generate's coefficient is 3 or 12: mapped to -1 or 1. Centred coordinates.
    x.set([(a.values.data[k] - 7.5) / 4.5, 2 * pts[2 * p] - 1, 2 * pts[2 * p + 1] - 1], 3 * k);
  }
  return {
    points: pts,
    inputs: { data: x, shape: [n, count, 3] },
    targets: { data: u.values.data.map((v) => v / uScale), shape: [n, count, 1] },
  };
}

/** latent x latent points on [0, 1]^2, row-major. */
function latentGrid(latent: number): Float32Array {
  const g = new Float32Array(latent * latent * 2);
  for (let k = 0; k < latent * latent; k++)
    g.set([Math.floor(k / latent) / (latent - 1), (k % latent) / (latent - 1)], 2 * k);
  return g;
}

const pts = (coords: Float32Array) => ({ coords, dim: 2 });

/** The model of a run (its weights freshly initialised). */
export function makeCloudModel(rt: Runtime, run: CloudRun): GNO | GINO {
  return run.type === 'gno'
    ? new GNO(rt, run.model as GNOConfig)
    : new GINO(rt, run.model as GINOConfig);
}

/** The model adapted to one cloud: its neighbourhoods searched once, released by destroy(). */
export async function onCloud(
  rt: Runtime,
  run: CloudRun,
  model: GNO | GINO,
  cloud: Cloud,
): Promise<CloudModel> {
  const namedParameters = () => model.namedParameters();
  if (model instanceof GNO) {
    const radius = (run.model as GNOConfig).radius;
    const nb = await radiusNeighborhoods(rt, pts(cloud.points), pts(cloud.points), radius);
    const forward = (f: Tensor) => model.forward({ points: cloud.points, f, neighbors: nb });
    return { forward, namedParameters, destroy: () => nb.destroy() };
  }
  const grid = latentGrid(run.latent);
  const { inGnoRadius, outGnoRadius } = model.config;
  const inNb = await radiusNeighborhoods(rt, pts(grid), pts(cloud.points), inGnoRadius);
  const outNb = await radiusNeighborhoods(rt, pts(cloud.points), pts(grid), outGnoRadius);
  const forward = (x: Tensor) =>
    model.forward({
      ...{ inputGeom: cloud.points, latentQueries: grid, latentShape: [run.latent, run.latent] },
      ...{ outputQueries: cloud.points, x, inNeighbors: inNb, outNeighbors: outNb },
    });
  return { forward, namedParameters, destroy: () => (inNb.destroy(), outNb.destroy()) };
}
