/**
 * The Tucker factorization of SpectralConv's weight (TFNO; tltorch TuckerTensor, complex64) and the
 * kept-window gather/scatter its contraction works on.
 */
import { WgnoError } from '../errors';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { cmatmul, modeProduct } from '../ops/complex_matmul';
import { concat } from '../ops/concat';
import { permute, reshape } from '../ops/layout';
import { pad, slice } from '../ops/pad';
import type { Rng } from '../random';

/** NumPy's np.round for one value: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Tucker ranks as tensorly's validate_tucker_rank(shape, rank, rounding='round') computes them
 * (what tltorch and neuraloperator use). A fraction r keeps about r times the parameters of the
 * full tensor: c solves prod(S) c^N + sum(S_k^2) c = r prod(S) on [0, max(r, 1)] (brentq there,
 * bisection here: the left side increases), then rank_k = max(round_half_even(S_k c), 1).
 * A list is taken as the ranks themselves. JavaScript cannot tell 2 from 2.0: an integer >= 2 is
 * read as Python's int rank (the same rank on every mode), anything else (0.5, and 1 = neuraloperator's
 * default 1.0) as a fraction.
 *
 * @example
 * tuckerRank([8, 8, 6, 4], 0.5); // [6, 6, 5, 3]
 * tuckerRank([8, 8, 6, 4], 0.1); // [4, 4, 3, 2]
 */
export function tuckerRank(shape: readonly number[], rank: number | readonly number[]): number[] {
  if (typeof rank !== 'number') {
    const bad = rank.findIndex((r, k) => !Number.isInteger(r) || r < 1 || r > shape[k]);
    if (rank.length !== shape.length || bad >= 0)
      throw new WgnoError(
        'tuckerRank',
        `ranks [${rank.join(', ')}] must be ${shape.length} integers, 1 <= rank_k <= [${shape.join(', ')}]_k`,
      );
    return [...rank];
  }
  if (!(rank > 0) || !Number.isFinite(rank))
    throw new WgnoError('tuckerRank', `rank must be a positive number or a list, got ${rank}`);
  if (Number.isInteger(rank) && rank >= 2) return shape.map(() => rank);
  const n = shape.length;
  const nParam = shape.reduce((a, b) => a * b, 1);
  const sq = shape.reduce((a, s) => a + s * s, 0);
  const f = (c: number) => nParam * c ** n + sq * c - rank * nParam;
  let [lo, hi] = [0, Math.max(rank, 1)];
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  const c = 0.5 * (lo + hi);
  return shape.map((s) => Math.max(roundHalfEven(s * c), 1));
}

/**
 * A Tucker-factorized spectral weight: W[i, o, j1..jd] = sum core[a, b, c..] U0[i, a] U1[o, b]
 * U2[j1, c] ..., stored as `weight.core` (r0, r1, .., r_{d+1}) and `weight.factors.factor_{k}`
 * (S_k, r_k), S = (in, out, k1, .., kd). A SpectralWeight (see spectral_conv.ts) with a windowed
 * contraction.
 *
 * The contraction is neuraloperator's 'factorized' one and never forms the (in, out, k..) weight:
 * on the gathered kept window, x is reduced over in-channels by U0 -> (B, r0, K); the core's mode
 * axes are expanded by the mode factors -> (r0, r1, K) (rank-sized, batch-free); one batched
 * complex matmul per kept mode contracts r0 -> (B, r1, K); U1 maps r1 to out-channels. All complex
 * products are real matmuls, so autodiff gives the gradients of the core and every factor.
 */
export class TuckerSpectralWeight {
  /** Always 'tucker'. */
  readonly factorization = 'tucker';
  /** true: contract() takes the kept window gathered (see SpectralWeight.windowed). */
  readonly windowed = true;
  /** The Tucker rank (r_in, r_out, r_1, ..., r_d). */
  readonly rank: number[];
  /** complex64 core (r_in, r_out, r_1, ..., r_d), `weight.core`. */
  readonly core: Tensor;
  /** complex64 factors (size_j, r_j), j = 0 .. d + 1, `weight.factors.factor_{j}`. */
  readonly factors: Tensor[];

  /**
   * tltorch TuckerTensor.normal_(0, std): complex normal entries (variance std_f^2, so each part
   * std_f / sqrt 2) with std_f = (std / prod(sqrt(rank)))^(1 / order): W then has std `std`.
   */
  constructor(
    param: (name: string, data: Float32Array, shape: readonly number[]) => Tensor,
    rng: Rng,
    private readonly shape: readonly number[],
    std: number,
    rank: number | readonly number[],
  ) {
    this.rank = tuckerRank(shape, rank);
    const stdF = (std / Math.sqrt(numel(this.rank))) ** (1 / (shape.length + 1));
    const part = stdF / Math.SQRT2;
    this.core = param('weight.core', rng.normals(2 * numel(this.rank), part), this.rank);
    this.factors = shape.map((s, k) =>
      param(`weight.factors.factor_${k}`, rng.normals(2 * s * this.rank[k], part), [
        s,
        this.rank[k],
      ]),
    );
  }

  /** The gathered window xw [B, in, k1..kd] -> [B, out, k1..kd]. */
  contract(xw: Tensor): Tensor {
    const [u0, u1, ...modes] = this.factors;
    const [r0, r1] = this.rank;
    const batch = xw.shape[0];
    const kept = this.shape.slice(2);
    const kk = numel(kept);
    const t = reshape(modeProduct(xw, u0, 1, true), [batch, r0, kk]); // sum_i x[b, i, m] U0[i, a]
    let g = this.core;
    modes.forEach((u, j) => (g = modeProduct(g, u, 2 + j))); // [r0, r1, k1..kd]
    const s = cmatmul(permute(t, [2, 0, 1]), permute(reshape(g, [r0, r1, kk]), [2, 0, 1])); // [K, B, r1]
    const y = modeProduct(permute(s, [1, 2, 0]), u1, 1); // [B, out, K]
    return reshape(y, [batch, this.shape[1], ...kept]);
  }

  /** The dense weight (in, out, k1, .., kd) the factors stand for (differentiable). */
  dense(): Tensor {
    return this.factors.reduce((w, u, k) => modeProduct(w, u, k), this.core);
  }
}

/** The centred window of k frequencies -(k//2) .. k - k//2 - 1 along `axis`, in that order. */
export function gatherWindow(z: Tensor, axis: number, k: number): Tensor {
  const n = z.shape[axis];
  const h = Math.floor(k / 2);
  const pos = slice(z, axis, 0, k - h);
  return h > 0 ? concat([slice(z, axis, n - h, n), pos], axis) : pos;
}

/** gatherWindow's transpose: the window written into a zero spectrum of n frequencies. */
export function scatterWindow(y: Tensor, axis: number, n: number): Tensor {
  const k = y.shape[axis];
  const h = Math.floor(k / 2);
  let pos = slice(y, axis, h, k);
  if (n > k) {
    const after = y.shape.map((_, i) => (i === axis ? n - k : 0));
    pos = pad(pos, new Array<number>(y.shape.length).fill(0), after);
  }
  return h > 0 ? concat([pos, slice(y, axis, 0, h)], axis) : pos;
}
