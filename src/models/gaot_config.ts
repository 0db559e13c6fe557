/**
 * GAOT's configuration and its checks (camlab-ethz/GAOT: ModelConfig.latent_tokens_size,
 * MAGNOConfig and TransformerConfig, names in camelCase). Defaults are the official ones, except
 * the patch size: 2, what the paper and the example configs use (TransformerConfig says 8).
 */
import { WgnoError } from '../errors';
import { requireConfig } from './checks';

/** MAGNO encoder/decoder settings (GAOT's MAGNOConfig). */
export interface GAOTMagnoConfig {
  /** Neighbourhood radius in the [-1, 1] coordinates (radius). Default 0.033. */
  radius?: number;
  /** Radius multipliers, one neighbourhood per scale, averaged (scales). Default [1]. */
  scales?: readonly number[];
  /** Hidden width of the kernel MLPs (hidden_size). Default 64. */
  hiddenSize?: number;
  /** Hidden layers of the kernel MLPs (mlp_layers). Default 3. */
  mlpLayers?: number;
  /** Channels of the latent tokens (lifting_channels). Default 32. */
  liftingChannels?: number;
}

/** Processor settings (GAOT's TransformerConfig and AttentionConfig). */
export interface GAOTTransformerConfig {
  /** Side of the square token patches (patch_size). Default 2. */
  patchSize?: number;
  /** Width inside the transformer blocks (hidden_size). Default 256. */
  hiddenSize?: number;
  /** Transformer blocks (num_layers). Default 3. */
  numLayers?: number;
  /** Attention heads (num_heads). Default 8. */
  numHeads?: number;
  /** FFN width = hiddenSize * ffnMultiplier (ffn_multiplier). Default 4. */
  ffnMultiplier?: number;
  /** RMSNorm epsilon (norm_eps). Default 1e-6. */
  normEps?: number;
  /** U-shaped skips between mirrored blocks (use_long_range_skip). Default true. */
  useLongRangeSkip?: boolean;
}

/** GAOT's settings. */
export interface GAOTConfig {
  /** Channels of the input function on the points (input_size). */
  inChannels: number;
  /** Channels of the output on the query points (output_size). */
  outChannels: number;
  /** Coordinate dimension (coord_dim); only 2 is supported. Default 2. */
  coordDim?: 2;
  /** Latent token grid [H, W] on [-1, 1]^2 (latent_tokens_size). Default [64, 64]. */
  latentTokens?: readonly [number, number];
  /** Encoder and decoder settings. */
  magno?: GAOTMagnoConfig;
  /** Processor settings. */
  transformer?: GAOTTransformerConfig;
  /** Seed of the initial weights (PyTorch's default initialisation). Default 0. */
  seed?: number;
}

/** A GAOTConfig checked, every default filled in. */
export interface GAOTSettings {
  /** Channels of the input function. */
  inChannels: number;
  /** Channels of the output. */
  outChannels: number;
  /** Coordinate dimension (2). */
  coordDim: 2;
  /** Latent token grid [H, W]. */
  latentTokens: [number, number];
  /** Encoder and decoder settings, defaults filled in. */
  magno: Required<GAOTMagnoConfig> & { scales: number[] };
  /** Processor settings, defaults filled in. */
  transformer: Required<GAOTTransformerConfig>;
  /** Seed of the initial weights. */
  seed: number;
}

const OP = 'GAOT';

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new WgnoError(OP, `${name} = ${String(v)} must be a positive integer`);
  return v;
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new WgnoError(OP, `${name} = ${String(v)} must be a positive finite number`);
  return v;
}

function magnoSettings(m: GAOTMagnoConfig = {}): GAOTSettings['magno'] {
  const scales = m.scales ?? [1];
  if (!Array.isArray(scales) || scales.length === 0)
    throw new WgnoError(OP, `magno.scales must be a non-empty list of radius multipliers`);
  scales.forEach((s, i) => positive(`magno.scales[${i}]`, s));
  return {
    radius: positive('magno.radius', m.radius ?? 0.033),
    scales: [...scales],
    hiddenSize: positiveInt('magno.hiddenSize', m.hiddenSize ?? 64),
    mlpLayers: positiveInt('magno.mlpLayers', m.mlpLayers ?? 3),
    liftingChannels: positiveInt('magno.liftingChannels', m.liftingChannels ?? 32),
  };
}

function transformerSettings(t: GAOTTransformerConfig = {}): GAOTSettings['transformer'] {
  const s = {
    patchSize: positiveInt('transformer.patchSize', t.patchSize ?? 2),
    hiddenSize: positiveInt('transformer.hiddenSize', t.hiddenSize ?? 256),
    numLayers: positiveInt('transformer.numLayers', t.numLayers ?? 3),
    numHeads: positiveInt('transformer.numHeads', t.numHeads ?? 8),
    ffnMultiplier: positiveInt('transformer.ffnMultiplier', t.ffnMultiplier ?? 4),
    normEps: positive('transformer.normEps', t.normEps ?? 1e-6),
    useLongRangeSkip: t.useLongRangeSkip ?? true,
  };
  if (s.hiddenSize % s.numHeads !== 0 || s.hiddenSize / s.numHeads > 128)
    throw new WgnoError(
      OP,
      `transformer.hiddenSize = ${s.hiddenSize} must be numHeads (${s.numHeads}) x a head dim of at most 128`,
    );
  return s;
}

/** Check a GAOTConfig and fill in the defaults. */
export function gaotSettings(config: GAOTConfig): GAOTSettings {
  const c = requireConfig(OP, config, ['inChannels', 'outChannels']);
  const coordDim = c.coordDim ?? 2;
  if (coordDim !== 2)
    throw new WgnoError(
      OP,
      `coordDim = ${String(coordDim)} is not supported: only 2-D geometries (3-D would need 3-D patches)`,
    );
  const [h, w] = c.latentTokens ?? [64, 64];
  const latentTokens: [number, number] = [
    positiveInt('latentTokens[0]', h),
    positiveInt('latentTokens[1]', w),
  ];
  const transformer = transformerSettings(c.transformer);
  const p = transformer.patchSize;
  if (h % p !== 0 || w % p !== 0 || Math.min(h, w) < 2)
    throw new WgnoError(
      OP,
      `latentTokens [${h}, ${w}] must be at least 2 per axis and divisible by transformer.patchSize = ${p}`,
    );
  const magno = magnoSettings(c.magno);
  if ((p * p * magno.liftingChannels) % 4 !== 0)
    throw new WgnoError(
      OP,
      `patch features patchSize^2 x magno.liftingChannels = ${p * p * magno.liftingChannels} must be a multiple of 4 (the 2-D sinusoidal positions)`,
    );
  return {
    inChannels: positiveInt('inChannels', c.inChannels),
    outChannels: positiveInt('outChannels', c.outChannels),
    coordDim,
    latentTokens,
    magno,
    transformer,
    seed: c.seed ?? 0,
  };
}
