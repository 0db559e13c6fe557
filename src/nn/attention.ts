/**
 * Multi-head self-attention as GAOT's processor uses it (camlab-ethz/GAOT,
 * `GroupQueryFlashAttention` in model/layers/attn.py, with as many key/value heads as query
 * heads): bias-free projections `q_proj`, `k_proj`, `v_proj` [hidden, input] and `o_proj`
 * [input, hidden] (torch.nn.Linear layout, y = x W^T), the heads split from consecutive
 * channels, and `F.scaled_dot_product_attention`'s scale 1 / sqrt(head dim). The attention itself
 * is the fused op of src/ops/attention.ts (no Nq x Nk matrix in memory, forward or backward).
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { attention } from '../ops/attention';
import { matmul } from '../ops/matmul';
import { Rng } from '../random';
import { Module } from './module';

/** MultiHeadAttention's settings. */
export interface MultiHeadAttentionConfig {
  /** Channels of the tokens in and out. */
  inputSize: number;
  /** Channels of q, k and v: heads * head dim (default inputSize). */
  hiddenSize?: number;
  /** Number of heads (default 8, GAOT's); hiddenSize / heads must be at most 128. */
  heads?: number;
  /** Give every projection a bias (default false, as GAOT). */
  bias?: boolean;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

interface Projection {
  w: Tensor;
  b?: Tensor;
}

/**
 * Multi-head self-attention over tokens: x [B, N, input] -> [B, N, input].
 * State_dict: `q_proj.weight`, `k_proj.weight`, `v_proj.weight` [hidden, input],
 * `o_proj.weight` [input, hidden] (and `.bias` of each with `bias: true`).
 *
 * @example
 * const attn = new MultiHeadAttention(rt, { inputSize: 256, heads: 8 });
 * const y = attn.forward(tokens); // [1, 1024, 256] -> [1, 1024, 256]
 */
export class MultiHeadAttention extends Module {
  /** Channels of the tokens in and out. */
  readonly inputSize: number;
  /** Channels of q, k and v (heads * head dim). */
  readonly hiddenSize: number;
  /** Number of heads. */
  readonly heads: number;
  private readonly proj: Record<'q' | 'k' | 'v' | 'o', Projection>;

  constructor(rt: Runtime, cfg: MultiHeadAttentionConfig) {
    super(rt);
    const { inputSize, hiddenSize = cfg.inputSize, heads = 8 } = cfg;
    for (const [name, v] of [
      ['inputSize', inputSize],
      ['hiddenSize', hiddenSize],
      ['heads', heads],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new WgnoError('MultiHeadAttention', `${name} = ${v} must be a positive integer`);
    if (hiddenSize % heads !== 0)
      throw new WgnoError(
        'MultiHeadAttention',
        `hiddenSize = ${hiddenSize} must be a multiple of heads = ${heads}`,
      );
    [this.inputSize, this.hiddenSize, this.heads] = [inputSize, hiddenSize, heads];
    const rng = new Rng(cfg.seed ?? 0);
    const make = (name: string, out: number, inp: number): Projection => {
      // torch.nn.Linear's default: uniform in +-1/sqrt(fan_in), weight and bias.
      const bound = 1 / Math.sqrt(inp);
      const w = this.param(`${name}.weight`, rng.uniforms(out * inp, -bound, bound), [out, inp]);
      if (!cfg.bias) return { w };
      return { w, b: this.param(`${name}.bias`, rng.uniforms(out, -bound, bound), [out]) };
    };
    this.proj = {
      q: make('q_proj', hiddenSize, inputSize),
      k: make('k_proj', hiddenSize, inputSize),
      v: make('v_proj', hiddenSize, inputSize),
      o: make('o_proj', inputSize, hiddenSize),
    };
  }

  /** x [B, N, input] -> [B, N, input]. */
  forward(x: Tensor): Tensor {
    const s = x.shape;
    if (s.length !== 3 || s[2] !== this.inputSize)
      throw new WgnoError(
        'MultiHeadAttention',
        `input ${x} must be [B, N, ${this.inputSize}] (tokens of inputSize channels)`,
      );
    const linear = ({ w, b }: Projection, t: Tensor) => matmul(t, w, { transB: true, bias: b });
    const [q, k, v] = [linear(this.proj.q, x), linear(this.proj.k, x), linear(this.proj.v, x)];
    return linear(this.proj.o, attention(q, k, v, { heads: this.heads }));
  }
}
