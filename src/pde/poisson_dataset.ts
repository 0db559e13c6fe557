/**
 * Poisson datasets on point clouds: n seeded sum-of-Gaussians sources, each solved by finite
 * differences on an s x s grid (src/pde/poisson.ts), then sampled at random points of the unit
 * square: the source exactly (it is analytic), the solution by bilinear interpolation of the grid.
 * One cloud serves all samples of a call (graph operators reuse its neighbourhoods); another seed or
 * count gives another cloud of the same fields, e.g. to score a model at another density.
 */
import { WgnoError } from '../errors';
import type { HostTensor } from '../io/host_tensor';
import { Rng } from '../random';
import {
  checkPoissonGrid,
  evalSource,
  interpolateGrid,
  randomSource,
  solveGaussianSource,
  type GaussianBump,
  type SourceOptions,
} from './poisson';

/** Options of `generatePoisson`. */
export interface PoissonDataOptions {
  /** Number of samples. */
  n: number;
  /** Grid nodes per side, 2^k + 1. Default 129. */
  s?: number;
  /** Seed of the sources. Default 0. */
  seed?: number;
  /** Ranges of the random sources. */
  source?: SourceOptions;
}

/** n sources and their finite-difference solutions. */
export interface PoissonData {
  s: number;
  /** The Gaussians of each sample. */
  sources: GaussianBump[][];
  /** Solutions [n, s, s] (float64 solve, stored f32), zero on the boundary. */
  u: HostTensor;
}

/**
 * @example
 * const ds = generatePoisson({ n: 100, s: 65, seed: 0 });
 * const train = poissonCloud(ds, 512, 1); // points [512, 2], f and u [100, 512]
 */
export function generatePoisson(opts: PoissonDataOptions): PoissonData {
  const { n, s = 129, seed = 0, source } = opts;
  if (!Number.isInteger(n) || n < 1)
    throw new WgnoError('generatePoisson', `n = ${n}; need an integer >= 1`);
  checkPoissonGrid(s);
  const rng = new Rng(seed);
  const sources: GaussianBump[][] = [];
  const u = new Float32Array(n * s * s);
  for (let b = 0; b < n; b++) {
    const bumps = randomSource(rng, source);
    sources.push(bumps);
    u.set(solveGaussianSource(bumps, s), b * s * s);
  }
  return { s, sources, u: { dtype: 'f32', shape: [n, s, s], data: u } };
}

/** A dataset sampled at one cloud. */
export interface PoissonCloud {
  /** [count, 2]: (x, y) of each point, uniform in the unit square. */
  points: HostTensor;
  /** Source values [n, count]. */
  f: HostTensor;
  /** Solution values [n, count]. */
  u: HostTensor;
}

/** Uniform random points of [0, 1]^2, [count, 2] as (x, y) pairs. */
export function randomCloud(count: number, seed: number): Float32Array {
  if (!Number.isInteger(count) || count < 1)
    throw new WgnoError('randomCloud', `count = ${count}; need an integer >= 1`);
  return new Rng(seed).uniforms(2 * count);
}

/** f and u of one sample at given points ([count, 2] pairs); u by bilinear interpolation. */
export function sampleAtPoints(
  bumps: readonly GaussianBump[],
  u: ArrayLike<number>,
  s: number,
  points: ArrayLike<number>,
): { f: Float32Array; u: Float32Array } {
  if (points.length % 2 !== 0)
    throw new WgnoError(
      'sampleAtPoints',
      `points has ${points.length} numbers; expected (x, y) pairs`,
    );
  const count = points.length / 2;
  const fv = new Float32Array(count);
  const uv = new Float32Array(count);
  for (let p = 0; p < count; p++) {
    const [x, y] = [points[2 * p], points[2 * p + 1]];
    fv[p] = evalSource(bumps, x, y);
    uv[p] = interpolateGrid(u, s, x, y);
  }
  return { f: fv, u: uv };
}

/**
 * Samples every field of `ds` at one seeded cloud of `count` uniform points.
 *
 * @example
 * const fine = poissonCloud(ds, 1024, 7); // the same fields, 2x the points of a 512 cloud
 */
export function poissonCloud(ds: PoissonData, count: number, seed: number): PoissonCloud {
  const points = randomCloud(count, seed);
  const n = ds.sources.length;
  const plane = ds.s * ds.s;
  const f = new Float32Array(n * count);
  const u = new Float32Array(n * count);
  for (let b = 0; b < n; b++) {
    const grid = ds.u.data.subarray(b * plane, (b + 1) * plane);
    const v = sampleAtPoints(ds.sources[b], grid, ds.s, points);
    f.set(v.f, b * count);
    u.set(v.u, b * count);
  }
  return {
    points: { dtype: 'f32', shape: [count, 2], data: points },
    f: { dtype: 'f32', shape: [n, count], data: f },
    u: { dtype: 'f32', shape: [n, count], data: u },
  };
}
