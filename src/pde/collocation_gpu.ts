/**
 * Collocation points drawn on the GPU from the counter-based Philox 4x32-10 stream
 * (kernels/lib/philox.wgsl): uniform and Latin-hypercube samples of a box, as one graph op, so a
 * compiled training Step draws fresh points at every run when its seed is a `RandomSeed` (no
 * upload, no host work). The host twins (`uniformPointsPhilox`, `latinHypercubePhilox`) compute
 * the same points: the same Philox words, the same permutation (ranks of 32-bit keys, ties broken
 * by index), the same f32 operations in the same order. A Latin hypercube's permutation is the
 * rank of each stratum's random key among the n keys of its axis, counted by every invocation
 * over all n (O(n^2 d) comparisons: parallel, no sort pass; fine up to ~10^4 points).
 */
import { WgnoError } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import type { Tensor } from '../graph/tensor';
import type { Engine } from '../graph/engine';
import type { OpDef } from '../graph/op';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { RandomSeed } from '../ops/random';
import { bitsToUniform, philoxBits, philoxKey } from '../random_philox';
import source from '../../kernels/collocation.wgsl?raw';
import type { Box } from './collocation';

/** Largest number of axes (the box's bounds are a uniform array of 8). */
const MAX_D = 8;
/** Largest n: eps = n 2^-22 must stay well below a stratum (and n d keys below 2^31). */
const MAX_N = 1 << 20;

export const collocationParams = new UniformLayout('CollocationParams', {
  n: 'u32',
  d: 'u32',
  lhs: 'u32',
  key0: 'u32',
  key1: 'u32',
  lo: { vec4: 'f32', length: MAX_D },
  width: { vec4: 'f32', length: MAX_D },
});
const kernel = defineKernel({
  name: 'collocation',
  entry: 'fill_collocation',
  source,
  params: collocationParams,
  storage: ['read_write'],
});

interface CollocationAttrs {
  readonly n: number;
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  readonly seed: number | RandomSeed;
  readonly lhs: boolean;
}

const seedOf = (s: number | RandomSeed) => (typeof s === 'number' ? s : s.value);

function check(op: string, n: number, box: Box, seed: number | RandomSeed): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_N)
    throw new WgnoError(op, `n is ${n}; it must be an integer in [1, ${MAX_N}]`);
  const { lo, hi } = box;
  if (lo.length < 1 || lo.length > MAX_D || lo.length !== hi.length)
    throw new WgnoError(
      op,
      `lo [${lo}] and hi [${hi}] must have the same length d in [1, ${MAX_D}]`,
    );
  lo.forEach((a, k) => {
    if (!Number.isFinite(a) || !Number.isFinite(hi[k]) || !(a < hi[k]))
      throw new WgnoError(op, `axis ${k}: need finite lo < hi, got [${a}, ${hi[k]}]`);
  });
  philoxKey(seedOf(seed)); // an integer in [0, 2^53)
  return lo.length;
}

/** Per-axis f32 lower corner and width, as the kernel reads them. */
function affineOf(box: Box): [Float32Array, Float32Array] {
  const lo = Float32Array.from(box.lo);
  return [lo, Float32Array.from(box.hi, (h, k) => h - lo[k])];
}

/** Stratum of axis k of every point: the rank of its key, ties broken by index. */
function lhsRanks(seed: number, n: number, d: number, k: number): Uint32Array {
  const base = n * d + k * n;
  const keys = Array.from({ length: n }, (_, j) => philoxBits(seed, base + j));
  const order = keys.map((_, j) => j).sort((a, b) => keys[a] - keys[b] || a - b);
  const rank = new Uint32Array(n);
  order.forEach((j, r) => (rank[j] = r));
  return rank;
}

/** The host twin of the kernel: [n, d] float32, the same points. */
function pointsHost(seed: number, n: number, box: Box, lhs: boolean): Float32Array {
  const d = box.lo.length;
  const [lo, width] = affineOf(box);
  const f = Math.fround;
  const out = new Float32Array(n * d);
  const eps = f(n * 2 ** -22);
  for (let k = 0; k < d; k++) {
    const rank = lhs ? lhsRanks(seed, n, d, k) : null;
    for (let j = 0; j < n; j++) {
      let u = bitsToUniform(philoxBits(seed, j * d + k));
      if (rank) u = f(f(rank[j] + f(eps + f(f(1 - 2 * eps) * u))) / n);
      out[j * d + k] = f(lo[k] + f(width[k] * u));
    }
  }
  return out;
}

const collocationDef: OpDef<CollocationAttrs> = {
  name: 'collocation_points',
  infer(_inputs, { n, lo, hi, seed }) {
    const d = check('collocation_points', n, { lo, hi }, seed);
    return { shape: [n, d], dtype: 'f32' };
  },
  lower({ attrs }) {
    const { n, lhs } = attrs;
    const [lo, width] = affineOf(attrs);
    const key = () => {
      const [key0, key1] = philoxKey(seedOf(attrs.seed));
      return { key0, key1 };
    };
    const dispatch = {
      kernel,
      params: { n, d: lo.length, lhs: lhs ? 1 : 0, lo: [...lo], width: [...width], ...key() },
      bindings: [{ output: true as const }],
      grid: grid1d(n * lo.length),
    };
    return {
      dispatches: [typeof attrs.seed === 'number' ? dispatch : { ...dispatch, dynamic: key }],
    };
  },
  vjp: () => [], // no inputs
  reference: (_x, _s, { n, lo, hi, seed, lhs }) =>
    Float64Array.from(pointsHost(seedOf(seed), n, { lo, hi }, lhs)),
};

declare module '../graph/registry' {
  interface OpAttrs {
    /** Uniform or Latin-hypercube points of a box from a Philox stream. */
    collocation_points: CollocationAttrs;
  }
}

registerOp('collocation_points', collocationDef);

/** Options of the GPU samplers: the Philox seed (a `RandomSeed` to redraw at every Step run). */
export interface CollocationGpuOptions {
  /** An integer in [0, 2^53), or a `RandomSeed` a compiled Step re-reads at every run. */
  readonly seed: number | RandomSeed;
}

/**
 * n points uniform in the box, drawn on the GPU: a [n, d] tensor (d <= 8).
 *
 * @example
 * const seed = new RandomSeed(0);
 * const xt = uniformPointsGpu(rt, 1000, { lo: [0, 0], hi: [1, 1] }, { seed });
 * // in a compiled Step: seed.value++ before step.run() draws new points
 */
export function uniformPointsGpu(
  rt: Engine,
  n: number,
  box: Box,
  opts: CollocationGpuOptions,
): Tensor {
  return apply(
    'collocation_points',
    [],
    { n, lo: [...box.lo], hi: [...box.hi], seed: opts.seed, lhs: false },
    rt,
  );
}

/**
 * n points of a Latin hypercube of the box, drawn on the GPU: along every axis each of the n
 * equal strata holds exactly one point. [n, d] (d <= 8, n <= 2^20).
 *
 * @example
 * const xt = latinHypercubeGpu(rt, 1000, { lo: [0, 0], hi: [1, 1] }, { seed: 3 });
 */
export function latinHypercubeGpu(
  rt: Engine,
  n: number,
  box: Box,
  opts: CollocationGpuOptions,
): Tensor {
  return apply(
    'collocation_points',
    [],
    { n, lo: [...box.lo], hi: [...box.hi], seed: opts.seed, lhs: true },
    rt,
  );
}

/**
 * The host twin of `uniformPointsGpu`: the same [n, d] float32 points.
 *
 * @example
 * const xt = uniformPointsPhilox(0, 1000, { lo: [0, 0], hi: [1, 1] });
 */
export function uniformPointsPhilox(seed: number, n: number, box: Box): Float32Array {
  check('uniformPointsPhilox', n, box, seed);
  return pointsHost(seed, n, box, false);
}

/**
 * The host twin of `latinHypercubeGpu`: the same [n, d] float32 points.
 *
 * @example
 * const xt = latinHypercubePhilox(3, 1000, { lo: [0, 0], hi: [1, 1] });
 */
export function latinHypercubePhilox(seed: number, n: number, box: Box): Float32Array {
  check('latinHypercubePhilox', n, box, seed);
  return pointsHost(seed, n, box, true);
}
