import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { mul } from '../ops/binary';
import { broadcastTo, reshape, unsqueeze } from '../ops/layout';
import { concat } from '../ops/concat';
import { cos, sin } from '../ops/unary';

/**
 * neuraloperator's GridEmbeddingND on [0, 1]^d: appends d channels holding the coordinates
 * i / N_a (endpoint excluded, meshgrid 'ij') after the data channels. No parameters; the
 * coordinate tensor is uploaded once per resolution and reused.
 */
export class GridEmbedding {
  private readonly grids = new Map<string, Tensor>();

  constructor(private readonly rt: Runtime) {}

  /** x [batch, c, n_1, ..., n_d] -> [batch, c + d, n_1, ..., n_d]: the coordinates appended. */
  forward(x: Tensor): Tensor {
    const [b, , ...spatial] = x.shape;
    const key = spatial.join('x');
    let grid = this.grids.get(key);
    if (!grid) {
      grid = this.rt.tensor(gridCoordinates(spatial), [1, spatial.length, ...spatial], {
        label: `grid ${key}`,
      });
      this.grids.set(key, grid);
    }
    return concat([x, broadcastTo(grid, [b, spatial.length, ...spatial])], 1);
  }
}

/** Channel a of the result at grid index (i_1, ..., i_d) is i_a / N_a. */
export function gridCoordinates(spatial: readonly number[]): Float32Array {
  const n = spatial.reduce((p, q) => p * q, 1);
  const out = new Float32Array(spatial.length * n);
  for (let a = 0; a < spatial.length; a++) {
    const inner = spatial.slice(a + 1).reduce((p, q) => p * q, 1);
    for (let i = 0; i < n; i++) out[a * n + i] = (Math.floor(i / inner) % spatial[a]) / spatial[a];
  }
  return out;
}

/** neuraloperator's SinusoidalEmbedding arguments in camelCase. */
export interface SinusoidalEmbeddingConfig {
  /** Coordinate dimension d (neuraloperator's in_channels). */
  inChannels: number;
  /** Frequency levels L per coordinate (neuraloperator's num_frequencies). */
  numFrequencies: number;
  /** 'transformer' (default): wavelengths up to maxPositions; 'nerf': frequencies 2^k pi. */
  embeddingType?: 'transformer' | 'nerf';
  /** Base of the transformer-style wavelengths (default 10000). */
  maxPositions?: number;
}

/**
 * neuraloperator's SinusoidalEmbedding: each of the d coordinates p of a point becomes 2L
 * channels, sin and cos interleaved per frequency level k = 0..L-1,
 *   out[i * 2L + 2k] = sin(w_k p_i),  out[i * 2L + 2k + 1] = cos(w_k p_i),
 * with w_k = maxPositions^(-2k / L) ('transformer', as neuraloperator's code computes it; its
 * docstring's k / L is not what runs) or w_k = 2^k pi ('nerf'). Points are row-major [n, d].
 *
 * Two paths, same layout. `embed`/`upload` take host coordinates (the arrays a neighbour search
 * reads), evaluate in float64 on the CPU and upload the result rounded to f32: a constant, no
 * gradient. `embedTensor` takes a coordinate tensor [..., d] and records the embedding as GPU ops
 * (x * w, sin, cos, interleave), so gradients flow back to the coordinates; it rounds w_k and
 * w_k p to f32 first, so it agrees with `embed` to about |w_k p| 2^-24, not bit for bit.
 *
 * @example
 * const emb = new SinusoidalEmbedding({ inChannels: 2, numFrequencies: 4, embeddingType: 'nerf' });
 * emb.outChannels; // 16
 * const t = emb.upload(rt, new Float32Array([0.1, 0.2, 0.3, 0.4])); // [2, 16], constant
 * const p = rt.tensor([0.1, 0.2, 0.3, 0.4], [2, 2], { requiresGrad: true });
 * sum(emb.embedTensor(p)).backward(); // p.grad [2, 2]
 */
export class SinusoidalEmbedding {
  /** Coordinate dimension d. */
  readonly inChannels: number;
  /** Frequency levels L per coordinate (2 L output channels per coordinate). */
  readonly numFrequencies: number;
  /** The frequency ladder (see SinusoidalEmbeddingConfig). */
  readonly embeddingType: 'transformer' | 'nerf';
  /** Base of the 'transformer' wavelengths. */
  readonly maxPositions: number;
  /** Angular frequencies w_k, k = 0..L-1. */
  readonly frequencies: Float64Array;
  /** The frequencies as an f32 constant [L], uploaded once per runtime (embedTensor). */
  private readonly frequencyTensors = new WeakMap<Runtime, Tensor>();

  constructor(cfg: SinusoidalEmbeddingConfig) {
    const fail = (msg: string): never => {
      throw new WgnoError('SinusoidalEmbedding', msg);
    };
    const { inChannels, numFrequencies } = cfg;
    if (!Number.isInteger(inChannels) || inChannels < 1)
      fail(`inChannels must be an integer >= 1 (the coordinate dimension), got ${inChannels}`);
    if (!Number.isInteger(numFrequencies) || numFrequencies < 1)
      fail(`numFrequencies must be an integer >= 1, got ${numFrequencies}`);
    this.embeddingType = cfg.embeddingType ?? 'transformer';
    if (this.embeddingType !== 'transformer' && this.embeddingType !== 'nerf')
      fail(`embeddingType '${String(this.embeddingType)}' is invalid; use 'transformer' or 'nerf'`);
    this.maxPositions = cfg.maxPositions ?? 10000;
    if (!(this.maxPositions > 0) || !Number.isFinite(this.maxPositions))
      fail(`maxPositions must be a finite number > 0, got ${this.maxPositions}`);
    [this.inChannels, this.numFrequencies] = [inChannels, numFrequencies];
    const L = numFrequencies;
    this.frequencies = Float64Array.from({ length: L }, (_, k) =>
      this.embeddingType === 'nerf' ? 2 ** k * Math.PI : (1 / this.maxPositions) ** ((2 * k) / L),
    );
  }

  /** 2 L d, the embedded width of one point. */
  get outChannels(): number {
    return 2 * this.numFrequencies * this.inChannels;
  }

  /** The embedding of row-major points [n, d] as row-major [n, 2Ld] (float64 math, f32 result). */
  embed(coords: ArrayLike<number>): Float32Array {
    const d = this.inChannels;
    if (coords.length === 0 || coords.length % d !== 0)
      throw new WgnoError(
        'SinusoidalEmbedding',
        `coordinates have ${coords.length} values, not a positive multiple of the dimension ${d}; pass [n, ${d}] row-major`,
      );
    const w = this.frequencies;
    const out = new Float32Array((coords.length / d) * this.outChannels);
    for (let c = 0, o = 0; c < coords.length; c++)
      for (let k = 0; k < w.length; k++, o += 2) {
        out[o] = Math.sin(w[k] * coords[c]);
        out[o + 1] = Math.cos(w[k] * coords[c]);
      }
    return out;
  }

  /** embed() as a constant leaf tensor [n, 2Ld] (no gradient). */
  upload(rt: Runtime, coords: ArrayLike<number>): Tensor {
    const data = this.embed(coords);
    return rt.tensor(data, [coords.length / this.inChannels, this.outChannels], {
      label: `sinusoidal embedding [${coords.length / this.inChannels}, ${this.outChannels}]`,
    });
  }

  /**
   * The embedding of coordinates [..., d] as GPU ops, [..., 2Ld] (same layout as embed);
   * differentiable with respect to the coordinates: d out[2k] / dp = w_k cos(w_k p), and
   * d out[2k + 1] / dp = -w_k sin(w_k p).
   */
  embedTensor(coords: Tensor): Tensor {
    const d = this.inChannels;
    const r = coords.shape.length;
    if (r === 0 || coords.shape[r - 1] !== d)
      throw new WgnoError(
        'SinusoidalEmbedding',
        `coordinates ${fmtShape(coords.shape)} must end in the dimension ${d}: pass [n, ${d}] or [batch, n, ${d}]`,
      );
    const angles = mul(unsqueeze(coords, -1), this.frequencyTensor(coords.rt)); // [..., d, L]
    // [..., d, L, 2]: sin and cos side by side, so row-major order is neuraloperator's interleave.
    const pairs = concat([unsqueeze(sin(angles), -1), unsqueeze(cos(angles), -1)], -1);
    return reshape(pairs, [...coords.shape.slice(0, -1), this.outChannels]);
  }

  /** The frequencies w_k as an f32 constant [L] on `rt` (uploaded on first use, then reused). */
  frequencyTensor(rt: Runtime): Tensor {
    let w = this.frequencyTensors.get(rt);
    if (!w) {
      w = rt.tensor(Float32Array.from(this.frequencies), [this.numFrequencies], {
        label: `sinusoidal frequencies [${this.numFrequencies}]`,
      });
      this.frequencyTensors.set(rt, w);
    }
    return w;
  }
}
