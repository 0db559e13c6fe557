/**
 * Darcy-flow data sets in the FNO paper's layout, generated on the GPU: coefficients a thresholded
 * from the Neumann Gaussian random field N(0, (-Lap + 9 I)^(-2)) (a = 12 where the field is >= 0,
 * 3 where it is < 0; src/pde/grf_neumann.ts), solutions of -div(a grad u) = 1, u = 0 on the
 * boundary, by DarcySolver (src/pde/darcy.ts) on the same s x s node grid.
 * `coeff` and `sol` are [n, s, s] f32, axis 1 is x, node (i, j) at (i, j) / (s - 1).
 * For graph neural operators, `samplePointCloud` draws seeded irregular points from such fields.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { HostTensor } from '../io/host_tensor';
import { writeSafetensors } from '../io/safetensors';
import { Rng } from '../random';
import { DarcySolver, type DarcySolverOptions } from './darcy';
import { sampleGrfNeumann, type NeumannGrfOptions } from './grf_neumann';

/** Options of `generateDarcy`: sizes, the random field's and the solver's settings. */
export interface DarcyDatasetOptions
  extends NeumannGrfOptions, Omit<DarcySolverOptions, 's' | 'batch'> {
  /** Samples. */
  n: number;
  /** Nodes per side, boundary included. Default 85 (the paper's 421 grid every 5th node). */
  s?: number;
  /** Seed of the random fields. Default 0. */
  seed?: number;
  /** Fields solved together. Default min(n, 16). */
  batch?: number;
  /** Coefficient where the field is >= 0. Default 12. */
  high?: number;
  /** Coefficient where the field is < 0. Default 3. */
  low?: number;
  /** Called after every solved batch. */
  onProgress?: (p: { done: number; total: number }) => void;
  /** Stops between batches with a WgnoError; nothing partial is returned. */
  signal?: AbortSignal;
}

/** What `generateDarcy` returns: coefficients and solutions on the nodes, [n, s, s]. */
export interface DarcyDataset {
  /** The coefficient a [n, s, s] (values `low` and `high`). */
  coeff: HostTensor;
  /** The solution u [n, s, s], 0 on the boundary. */
  sol: HostTensor;
  /** CG iterations and final relative residual of each sample. */
  iterations: number[];
  /** Final relative residual of each sample. */
  residual: number[];
  /** The options that made it, as strings (safetensors metadata). */
  metadata: Record<string, string>;
}

/**
 * The paper's piecewise-constant coefficient: `high` where g >= 0, `low` where g < 0.
 *
 * @example
 * const a = thresholdCoefficient(sampleGrfNeumann(new Rng(0), 64, 4)); // values 12 and 3
 */
export function thresholdCoefficient(g: ArrayLike<number>, high = 12, low = 3): Float32Array {
  const a = new Float32Array(g.length);
  for (let k = 0; k < g.length; k++) a[k] = g[k] >= 0 ? high : low;
  return a;
}

/**
 * n Darcy samples: coeff [n, s, s] and sol [n, s, s]. Samples are drawn batch by batch from one
 * seeded generator, so the data set does not depend on `batch`.
 *
 * @example
 * const ds = await generateDarcy(rt, { n: 100, s: 64, seed: 1 });
 * await writeFile('darcy.safetensors', writeDarcyDataset(ds));
 */
export async function generateDarcy(rt: Runtime, opts: DarcyDatasetOptions): Promise<DarcyDataset> {
  const { n, s = 85, seed = 0, high = 12, low = 3 } = opts;
  const batch = Math.min(opts.batch ?? 16, n);
  checkDatasetOptions(n, batch, high, low);
  const solver = await DarcySolver.create(rt, { ...opts, s, batch });
  const rng = new Rng(seed);
  const plane = s * s;
  const coeff = new Float32Array(n * plane);
  const sol = new Float32Array(n * plane);
  const iterations: number[] = [];
  const residual: number[] = [];
  try {
    for (let first = 0; first < n; first += batch) {
      if (opts.signal?.aborted)
        throw new WgnoError('generateDarcy', 'aborted; no data set was produced');
      const k = Math.min(batch, n - first);
      const a = thresholdCoefficient(sampleGrfNeumann(rng, s, k, opts), high, low);
      const out = await solver.solve(a);
      coeff.set(a, first * plane);
      sol.set(out.u, first * plane);
      iterations.push(...out.iterations);
      residual.push(...out.residual);
      opts.onProgress?.({ done: first + k, total: n });
    }
  } finally {
    solver.destroy();
  }
  return {
    coeff: { dtype: 'f32', shape: [n, s, s], data: coeff },
    sol: { dtype: 'f32', shape: [n, s, s], data: sol },
    iterations,
    residual,
    metadata: darcyMetadata(opts, s, seed, high, low),
  };
}

function darcyMetadata(
  opts: DarcyDatasetOptions,
  s: number,
  seed: number,
  high: number,
  low: number,
): Record<string, string> {
  const { n, alpha = 2, tau = 3, sigma = 1, modes = s, tol = 1e-6, faceMean = 'harmonic' } = opts;
  const values = { n, s, seed, alpha, tau, sigma, modes, high, low, f: 1, tol, faceMean };
  return {
    ...Object.fromEntries(Object.entries(values).map(([key, v]) => [key, String(v)])),
    generator: 'wgno DarcySolver (5-point FD, Jacobi-PCG)',
  };
}

/** The data set as a safetensors file with tensors `coeff`, `sol` and the options as metadata. */
export function writeDarcyDataset(ds: DarcyDataset): Uint8Array {
  return writeSafetensors({ coeff: ds.coeff, sol: ds.sol }, ds.metadata);
}

function checkDatasetOptions(n: number, batch: number, high: number, low: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new WgnoError('generateDarcy', `n = ${n}; need an integer >= 1`);
  if (!Number.isInteger(batch) || batch < 1)
    throw new WgnoError('generateDarcy', `batch = ${batch}; need an integer >= 1`);
  if (!(high > 0 && low > 0 && Number.isFinite(high) && Number.isFinite(low)))
    throw new WgnoError('generateDarcy', `high = ${high}, low = ${low}; need finite values > 0`);
}
