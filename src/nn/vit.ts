/**
 * GAOT's processor (camlab-ethz/GAOT, model/layers/attn.py): a U-shaped ViT over the patch tokens
 * of the latent grid. Each block is pre-RMSNorm, bias-free multi-head self-attention and a bias-free
 * SwiGLU FFN (Llama 3's block); blocks are split into an encoder half, an optional middle block
 * (odd layer counts) and a decoder half whose blocks first mix in the output of their mirror
 * encoder block (`skip_proj` on the concatenation, UViT's long-range skips).
 *
 * One quirk is kept as the official code has it: the FFN's residual adds to the *normalised*
 * input, out = n + ffn(n) with n = ffn_norm(x + attn(attn_norm(x))).
 *
 * Module, class and parameter names are GAOT's: `input_proj`, `output_proj`,
 * `encoder_layers.{i}`, `middle_layer`, `decoder_layers.{i}`, and in a block `attn.{q,k,v,o}_proj`,
 * `ffn.w{1,2,3}`, `attn_norm.weight`, `ffn_norm.weight`, `skip_proj.{weight,bias}`.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { concat } from '../ops/concat';
import { matmul } from '../ops/matmul';
import { rmsNorm } from '../ops/norm';
import { swiglu } from '../ops/swiglu';
import { Rng } from '../random';
import { MultiHeadAttention } from './attention';
import { Module, uniformInit } from './module';

/** torch.nn.Linear over the last axis: weight [out, in], bias [out] unless bias-free. */
export class Linear extends Module {
  private readonly w: Tensor;
  private readonly b?: Tensor;

  constructor(rt: Runtime, rng: Rng, [cin, cout]: readonly [number, number], bias = true) {
    super(rt);
    this.w = this.param('weight', uniformInit(rng, cout * cin, cin), [cout, cin]);
    if (bias) this.b = this.param('bias', uniformInit(rng, cout, cin), [cout]);
  }

  /** x [..., in] -> [..., out]. */
  forward(x: Tensor): Tensor {
    return matmul(x, this.w, { transB: true, bias: this.b });
  }
}

/** GAOT's RMSNorm: x / sqrt(mean(x^2) + eps) * weight, weight initialised to ones. */
export class RMSNorm extends Module {
  private readonly weight: Tensor;

  constructor(
    rt: Runtime,
    dim: number,
    private readonly eps = 1e-6,
  ) {
    super(rt);
    this.weight = this.param('weight', new Float32Array(dim).fill(1), [dim]);
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, { weight: this.weight, eps: this.eps });
  }
}

/** GAOT's FFN: w2(silu(w1 x) * w3 x), all three bias-free. */
export class FFN extends Module {
  private readonly w1: Linear;
  private readonly w2: Linear;
  private readonly w3: Linear;

  constructor(rt: Runtime, rng: Rng, size: number, hidden: number) {
    super(rt);
    this.w1 = this.child('w1', new Linear(rt, rng, [size, hidden], false));
    this.w2 = this.child('w2', new Linear(rt, rng, [hidden, size], false));
    this.w3 = this.child('w3', new Linear(rt, rng, [size, hidden], false));
  }

  forward(x: Tensor): Tensor {
    return this.w2.forward(swiglu(this.w1.forward(x), this.w3.forward(x)));
  }
}

/** The processor's settings (GAOT's TransformerConfig in camelCase). */
export interface TransformerSettings {
  /** Width of the tokens inside the blocks and of q, k, v (hidden_size). */
  hiddenSize: number;
  /** Blocks (num_layers). */
  numLayers: number;
  /** Attention heads (num_heads); hiddenSize / numHeads is the head dim, at most 128. */
  numHeads: number;
  /** FFN width = hiddenSize * ffnMultiplier (ffn_multiplier). */
  ffnMultiplier: number;
  /** RMSNorm epsilon (norm_eps). */
  normEps: number;
  /** Use the U skips (use_long_range_skip). */
  useLongRangeSkip: boolean;
}

/** GAOT's TransformerBlock: pre-RMSNorm attention and SwiGLU FFN, optional U-skip projection. */
export class TransformerBlock extends Module {
  private readonly attn: MultiHeadAttention;
  private readonly ffn: FFN;
  private readonly attnNorm: RMSNorm;
  private readonly ffnNorm: RMSNorm;
  private readonly skipProj?: Linear;

  constructor(rt: Runtime, rng: Rng, s: TransformerSettings, skipConnection: boolean) {
    super(rt);
    const h = s.hiddenSize;
    const seed = Math.floor(rng.uniform() * 2 ** 31);
    const mha = new MultiHeadAttention(rt, {
      inputSize: h,
      hiddenSize: h,
      heads: s.numHeads,
      seed,
    });
    this.attn = this.child('attn', mha);
    this.ffn = this.child('ffn', new FFN(rt, rng, h, h * s.ffnMultiplier));
    this.attnNorm = this.child('attn_norm', new RMSNorm(rt, h, s.normEps));
    this.ffnNorm = this.child('ffn_norm', new RMSNorm(rt, h, s.normEps));
    if (skipConnection) this.skipProj = this.child('skip_proj', new Linear(rt, rng, [2 * h, h]));
  }

  /** x [B, N, hidden] (and the mirror encoder block's output) -> [B, N, hidden]. */
  forward(x: Tensor, skip?: Tensor): Tensor {
    if (this.skipProj && skip) x = this.skipProj.forward(concat([x, skip], -1));
    const h = this.ffnNorm.forward(add(x, this.attn.forward(this.attnNorm.forward(x))));
    return add(h, this.ffn.forward(h));
  }
}

/**
 * GAOT's `Transformer` (the U-shaped ViT processor): tokens [B, N, inputSize] -> [B, N,
 * outputSize]. `input_proj` / `output_proj` are Linear layers (with bias) where the sizes differ
 * from hiddenSize, identities otherwise.
 *
 * @example
 * const vit = new Transformer(rt, 256, 256, { hiddenSize: 256, numLayers: 3, numHeads: 8,
 *   ffnMultiplier: 4, normEps: 1e-6, useLongRangeSkip: true });
 * const y = vit.forward(patches); // [B, 1024, 256] -> [B, 1024, 256]
 */
export class Transformer extends Module {
  private readonly inputProj?: Linear;
  private readonly outputProj?: Linear;
  private readonly encoderLayers: TransformerBlock[] = [];
  private readonly middleLayer?: TransformerBlock;
  private readonly decoderLayers: TransformerBlock[] = [];

  constructor(
    rt: Runtime,
    readonly inputSize: number,
    readonly outputSize: number,
    private readonly settings: TransformerSettings & { seed?: number },
  ) {
    super(rt);
    const { hiddenSize: h, numLayers } = settings;
    const rng = new Rng(settings.seed ?? 0);
    if (inputSize !== h)
      this.inputProj = this.child('input_proj', new Linear(rt, rng, [inputSize, h]));
    if (outputSize !== h)
      this.outputProj = this.child('output_proj', new Linear(rt, rng, [h, outputSize]));
    const half = Math.floor(numLayers / 2);
    const block = (skip: boolean) => new TransformerBlock(rt, rng, settings, skip);
    for (let i = 0; i < half; i++)
      this.encoderLayers.push(this.child(`encoder_layers.${i}`, block(false)));
    if (numLayers % 2 === 1) this.middleLayer = this.child('middle_layer', block(false));
    for (let i = 0; i < half; i++)
      this.decoderLayers.push(this.child(`decoder_layers.${i}`, block(true)));
  }

  /** x [B, N, inputSize] -> [B, N, outputSize]. */
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 3 || x.shape[2] !== this.inputSize)
      throw new WgnoError(
        'Transformer',
        `tokens ${fmtShape(x.shape)} must be [B, N, ${this.inputSize}] (inputSize channels)`,
      );
    if (this.inputProj) x = this.inputProj.forward(x);
    const skips: Tensor[] = [];
    for (const layer of this.encoderLayers) skips.push((x = layer.forward(x)));
    if (this.middleLayer) x = this.middleLayer.forward(x);
    for (const layer of this.decoderLayers)
      x = layer.forward(x, this.settings.useLongRangeSkip ? skips.pop() : undefined);
    return this.outputProj ? this.outputProj.forward(x) : x;
  }
}
