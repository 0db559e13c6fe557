/**
 * Collocation points for physics-informed losses: uniform and Latin-hypercube samples of a box
 * [lo, hi] in d dimensions, as DeepXDE's `train_distribution` 'uniform' and 'LHS'. Seeded host
 * code (the Rng's xoshiro128** stream), so a run is reproducible bit for bit; the points are
 * uploaded once per resampling (n x d floats, small next to a training step). The same two
 * samplers on the GPU, from a Philox stream a compiled Step can redraw at every run with no
 * upload, are in collocation_gpu.ts.
 */
import { WgnoError } from '../errors';
import type { Rng } from '../random';

/** The axis-aligned box [lo[0], hi[0]] x ... x [lo[d-1], hi[d-1]]. */
export interface Box {
  /** Lower corner, one bound per dimension. */
  readonly lo: readonly number[];
  /** Upper corner, hi[k] > lo[k]. */
  readonly hi: readonly number[];
}

function checkBox(op: string, n: number, box: Box): number {
  if (!Number.isInteger(n) || n < 1)
    throw new WgnoError(op, `n is ${n}; it must be an integer >= 1`);
  const { lo, hi } = box;
  if (lo.length < 1 || lo.length !== hi.length)
    throw new WgnoError(
      op,
      `lo [${lo}] and hi [${hi}] must have the same length d >= 1 (one bound per axis)`,
    );
  lo.forEach((a, k) => {
    if (!Number.isFinite(a) || !Number.isFinite(hi[k]) || !(a < hi[k]))
      throw new WgnoError(op, `axis ${k}: need finite lo < hi, got [${a}, ${hi[k]}]`);
  });
  return lo.length;
}

/**
 * n points uniform in the box: [n, d] row-major float32 (axis k of point i at i * d + k).
 *
 * @example
 * const xt = uniformPoints(new Rng(0), 1000, { lo: [0, 0], hi: [1, 1] }); // (x, t) in [0, 1]^2
 */
export function uniformPoints(rng: Rng, n: number, box: Box): Float32Array {
  const d = checkBox('uniformPoints', n, box);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++)
      out[i * d + k] = box.lo[k] + (box.hi[k] - box.lo[k]) * rng.uniform();
  return out;
}

/**
 * n points of a Latin hypercube in the box (McKay et al. 1979): along every axis each of the n
 * equal strata holds exactly one point, placed uniformly inside it; the strata are paired across
 * axes by independent random permutations. [n, d] row-major float32.
 *
 * @example
 * const xt = latinHypercube(new Rng(0), 1000, { lo: [0, 0], hi: [1, 1] });
 */
export function latinHypercube(rng: Rng, n: number, box: Box): Float32Array {
  const d = checkBox('latinHypercube', n, box);
  const out = new Float32Array(n * d);
  const perm = new Uint32Array(n);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      // Fisher-Yates; uniform() < 1, so j <= i.
      const j = Math.floor(rng.uniform() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const w = (box.hi[k] - box.lo[k]) / n;
    for (let i = 0; i < n; i++) out[i * d + k] = box.lo[k] + w * (perm[i] + rng.uniform());
  }
  return out;
}
