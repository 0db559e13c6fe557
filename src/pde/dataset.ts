/**
 * Navier-Stokes data sets in the FNO paper's layout, generated on the GPU: initial vorticities
 * from the paper's Gaussian random field (alpha 2.5, tau 7, seeded), solved at `solverRes` with
 * NavierStokes2d, recorded once per time unit and subsampled to `res` (256 -> 64 by default, every
 * 4th grid point). `a` [count, res, res] is the initial vorticity, `u` [count, res, res, T] holds
 * record k at time k + 1.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { HostTensor } from '../io/host_tensor';
import { writeSafetensors } from '../io/safetensors';
import { Rng } from '../random';
import type { HostArray } from '../train/data';
import { sampleGrf2d } from './grf';
import { NavierStokes2d } from './navier_stokes';
import type { NsDealiasing } from './ns_ops';

/** Options of `generateNavierStokes`. */
export interface NsDatasetOptions {
  /** Trajectories. */
  count: number;
  /** Grid of the stored fields. Default 64. */
  res?: number;
  /** Grid the solver runs on (a multiple of res). Default 256. */
  solverRes?: number;
  /** Viscosity. Default 1e-3. */
  nu?: number;
  /** Time units simulated; one record per unit. Default 20. */
  t?: number;
  /** Solver time step. Default 1e-4. */
  dt?: number;
  /** Seed of the initial conditions. Default 0. */
  seed?: number;
  /** Trajectories solved together. Default min(count, 16). */
  batch?: number;
  /** Where the solver applies the 2/3 rule (NavierStokesOptions.dealias). Default 'nonlinear'. */
  dealias?: NsDealiasing;
  /** Initial vorticities [count, solverRes, solverRes] instead of random fields. */
  init?: Float32Array;
  /** Called after every recorded time unit of every solver batch. */
  onProgress?: (p: { unitsDone: number; unitsTotal: number }) => void;
  /** Stops between time units with an AbortError-like WgnoError; nothing partial is returned. */
  signal?: AbortSignal;
}

/** What `generateNavierStokes` returns (the FNO paper's layout, time last). */
export interface NsDataset {
  /** Initial vorticity [count, res, res]. */
  a: HostTensor;
  /** Vorticity [count, res, res, t]: record k at time k + 1. */
  u: HostTensor;
  /** The options that made it, as strings (safetensors metadata). */
  metadata: Record<string, string>;
}

/** Solver steps per time unit, and the largest substep count <= 200 that divides it. */
function stepsPerUnit(dt: number): { steps: number; substeps: number } {
  const steps = Math.round(1 / dt);
  if (Math.abs(steps * dt - 1) > 1e-9)
    throw new WgnoError('generateNavierStokes', `dt = ${dt} must divide one time unit exactly`);
  let substeps = Math.min(200, steps);
  while (steps % substeps !== 0) substeps--;
  return { steps, substeps };
}

/**
 * Solves `count` trajectories on the GPU (see the module comment) and returns them on the host.
 *
 * @example
 * const { u } = await generateNavierStokes(rt, { count: 8, res: 64, t: 20 });
 * // u [8, 64, 64, 20]: writeNsDataset writes it as the FNO paper's files
 */
export async function generateNavierStokes(
  rt: Runtime,
  opts: NsDatasetOptions,
): Promise<NsDataset> {
  const { count, res = 64, solverRes = 256, nu = 1e-3, t = 20, dt = 1e-4, seed = 0 } = opts;
  const { dealias = 'nonlinear' } = opts;
  const batch = Math.min(opts.batch ?? 16, count);
  checkDatasetOptions(opts, count, res, solverRes, t, batch);
  const { steps, substeps } = stepsPerUnit(dt);
  const ns = await NavierStokes2d.create(rt, { n: solverRes, batch, nu, dt, substeps, dealias });
  const rng = new Rng(seed);
  const a = new Float32Array(count * res * res);
  const u = new Float32Array(count * res * res * t);
  const plane = solverRes * solverRes;
  const unitsTotal = Math.ceil(count / batch) * t;
  let unitsDone = 0;
  try {
    for (let first = 0; first < count; first += batch) {
      const k = Math.min(batch, count - first);
      const w0 = new Float32Array(batch * plane);
      w0.set(
        opts.init
          ? opts.init.subarray(first * plane, (first + k) * plane)
          : sampleGrf2d(rng, solverRes, k),
      );
      subsample(w0, k, solverRes, res, (b, i, v) => (a[(first + b) * res * res + i] = v));
      ns.setVorticity(w0);
      for (let unit = 0; unit < t; unit++) {
        if (opts.signal?.aborted)
          throw new WgnoError('generateNavierStokes', 'aborted; no data set was produced');
        for (let s = 0; s < steps / substeps; s++) ns.advance();
        const w = await ns.readVorticity();
        subsample(
          w,
          k,
          solverRes,
          res,
          (b, i, v) => (u[((first + b) * res * res + i) * t + unit] = v),
        );
        opts.onProgress?.({ unitsDone: ++unitsDone, unitsTotal });
      }
    }
  } finally {
    ns.destroy();
  }
  const metadata = {
    nu,
    t,
    dt,
    seed,
    res,
    solverRes,
    count,
    dealias,
    generator: 'wgno NavierStokes2d',
  };
  return {
    a: { dtype: 'f32', shape: [count, res, res], data: a },
    u: { dtype: 'f32', shape: [count, res, res, t], data: u },
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])),
  };
}

/** The data set as a safetensors file with tensors `a`, `u` and the options as metadata. */
export function writeNsDataset(ds: NsDataset): Uint8Array {
  return writeSafetensors({ a: ds.a, u: ds.u }, ds.metadata);
}

/** Every (solverRes / res)-th point of the first k fields of w [*, n, n], as (b, i, value). */
function subsample(
  w: Float32Array,
  k: number,
  n: number,
  res: number,
  put: (b: number, i: number, v: number) => void,
): void {
  const r = n / res;
  for (let b = 0; b < k; b++)
    for (let i = 0; i < res; i++)
      for (let j = 0; j < res; j++) put(b, i * res + j, w[(b * n + i * r) * n + j * r]);
}

function checkDatasetOptions(
  opts: NsDatasetOptions,
  count: number,
  res: number,
  solverRes: number,
  t: number,
  batch: number,
): void {
  const bad = (what: string) => {
    throw new WgnoError('generateNavierStokes', what);
  };
  const int = (v: number) => Number.isInteger(v) && v >= 1;
  if (!int(count)) bad(`count = ${count}; need an integer >= 1`);
  if (!int(t)) bad(`t = ${t}; need a whole number of time units >= 1`);
  if (!int(batch)) bad(`batch = ${batch}; need an integer >= 1`);
  if (!int(res) || !int(solverRes) || solverRes % res !== 0)
    bad(`res = ${res}, solverRes = ${solverRes}; solverRes must be a multiple of res`);
  if (opts.init && opts.init.length !== count * solverRes * solverRes)
    bad(
      `init has ${opts.init.length} values; expected count * solverRes^2 = ${count * solverRes * solverRes}`,
    );
}

/**
 * The FNO paper's rollout pairs from u [n, s, s, T] (channel-last): inputs [k, tIn, s, s] hold steps
 * 0..tIn-1 and targets [k, tOut, s, s] the next tOut, for trajectories first..first+k-1.
 */
export function nsRolloutPairs(
  u: HostTensor,
  tIn: number,
  tOut: number,
  first = 0,
  count = u.shape[0] - first,
): { inputs: HostArray; targets: HostArray } {
  const [n, s, s2, T] = u.shape;
  if (u.shape.length !== 4 || s !== s2)
    throw new WgnoError('nsRolloutPairs', `u is [${u.shape.join(', ')}]; expected [n, s, s, T]`);
  if (tIn + tOut > T || tIn < 1 || tOut < 1)
    throw new WgnoError(
      'nsRolloutPairs',
      `tIn ${tIn} + tOut ${tOut} steps need T >= ${tIn + tOut}; u has T = ${T}`,
    );
  if (first < 0 || count < 1 || first + count > n)
    throw new WgnoError(
      'nsRolloutPairs',
      `trajectories ${first}..${first + count - 1} of ${n} do not exist`,
    );
  const take = (t0: number, len: number): HostArray => {
    const data = new Float32Array(count * len * s * s);
    for (let b = 0; b < count; b++)
      for (let t = 0; t < len; t++)
        for (let p = 0; p < s * s; p++)
          data[(b * len + t) * s * s + p] = u.data[((first + b) * s * s + p) * T + t0 + t];
    return { data, shape: [count, len, s, s] };
  };
  return { inputs: take(0, tIn), targets: take(tIn, tOut) };
}
