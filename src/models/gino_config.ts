/** GINO's constructor arguments: neuraloperator's names in camelCase, defaults and checks. */
import { WgnoError } from '../errors';
import type { TransformType } from '../nn/integral_transform';

/**
 * neuraloperator GINO arguments in camelCase, with the same defaults. Supported: the defaults of
 * every other neuraloperator argument (no AdaIN/norm, no mollifier weighting, dense spectral
 * weights, FNO skips 'linear' and 'soft-gating', GELU); an unknown key is an error.
 */
export interface GINOConfig {
  /** Channels of the input function x at the input points. */
  inChannels: number;
  /** Channels of the output at the output queries. */
  outChannels: number;
  /** Channels of optional features on the latent grid, after the input GNO's. Default null. */
  latentFeatureChannels?: number | null;
  /** Hidden width of the projection MLP over fnoHiddenChannels. Default 4. */
  projectionChannelRatio?: number;
  /** Dimension of the points and of the latent grid (2 or 3). Default 3. */
  gnoCoordDim?: number;
  /** Radius of the input GNO: input points around each latent point. Default 0.033. */
  inGnoRadius?: number;
  /** Radius of the output GNO: latent points around each output query. Default 0.033. */
  outGnoRadius?: number;
  /** Kernel form of the input GNO (see TransformType). Default 'linear'. */
  inGnoTransformType?: TransformType;
  /** Kernel form of the output GNO. Default 'linear'. */
  outGnoTransformType?: TransformType;
  /** Embedding of the input GNO's coordinates; null: raw coordinates. Default 'transformer'. */
  inGnoPosEmbedType?: 'transformer' | 'nerf' | null;
  /** Embedding of the output GNO's coordinates; null: raw coordinates. Default 'transformer'. */
  outGnoPosEmbedType?: 'transformer' | 'nerf' | null;
  /** Channels the input GNO writes onto the latent grid (nonlinear kernels: inChannels). Default 3. */
  fnoInChannels?: number;
  /** Fourier modes kept per latent grid axis (one per axis). Default [16, 16, 16]. */
  fnoNModes?: readonly number[];
  /** Width of the FNO blocks. Default 64. */
  fnoHiddenChannels?: number;
  /** Hidden width of the FNO lifting MLP over fnoHiddenChannels. Default 2. */
  fnoLiftingChannelRatio?: number;
  /** Fourier blocks. Default 4. */
  fnoNLayers?: number;
  /** Channels of the positional embedding of each coordinate. Default 32. */
  gnoEmbedChannels?: number;
  /** The embedding's max_positions (its longest wavelength). Default 10000. */
  gnoEmbedMaxPositions?: number;
  /** Hidden widths of the input GNO's kernel MLP. Default [80, 80, 80]. */
  inGnoChannelMlpHiddenLayers?: readonly number[];
  /** Hidden widths of the output GNO's kernel MLP. Default [512, 256]. */
  outGnoChannelMlpHiddenLayers?: readonly number[];
  /** 'latent_embed' or 'both': tanh of the latent embedding before the output GNO. */
  outGnoTanh?: 'latent_embed' | 'both' | null;
  /** Hidden width of each FNO block's channel MLP over fnoHiddenChannels. Default 0.5. */
  fnoChannelMlpExpansion?: number;
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

/** GINOConfig with every default filled in (`GINO.config`). */
export type GINOSettings = Readonly<Required<GINOConfig>>;

const DEFAULTS: Omit<GINOSettings, 'inChannels' | 'outChannels'> = {
  latentFeatureChannels: null,
  projectionChannelRatio: 4,
  gnoCoordDim: 3,
  inGnoRadius: 0.033,
  outGnoRadius: 0.033,
  inGnoTransformType: 'linear',
  outGnoTransformType: 'linear',
  inGnoPosEmbedType: 'transformer',
  outGnoPosEmbedType: 'transformer',
  fnoInChannels: 3,
  fnoNModes: [16, 16, 16],
  fnoHiddenChannels: 64,
  fnoLiftingChannelRatio: 2,
  fnoNLayers: 4,
  gnoEmbedChannels: 32,
  gnoEmbedMaxPositions: 10000,
  inGnoChannelMlpHiddenLayers: [80, 80, 80],
  outGnoChannelMlpHiddenLayers: [512, 256],
  outGnoTanh: null,
  fnoChannelMlpExpansion: 0.5,
  seed: 0,
};

const INTEGER_KEYS = [
  'inChannels',
  'outChannels',
  'gnoCoordDim',
  'fnoInChannels',
  'fnoHiddenChannels',
  'fnoLiftingChannelRatio',
  'projectionChannelRatio',
  'fnoNLayers',
  'gnoEmbedChannels',
] as const;

/** Defaults filled in and every value checked; throws a WgnoError naming the key. */
export function ginoSettings(cfg: GINOConfig): GINOSettings {
  const fail = (msg: string): never => {
    throw new WgnoError('GINO', msg);
  };
  const known = new Set(['inChannels', 'outChannels', ...Object.keys(DEFAULTS)]);
  for (const k of Object.keys(cfg))
    if (!known.has(k))
      fail(`unknown config key '${k}' (not supported here); valid keys: ${[...known].join(', ')}`);
  const defined = Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined));
  const s = { ...DEFAULTS, ...defined } as GINOSettings;
  for (const k of INTEGER_KEYS)
    if (!Number.isInteger(s[k]) || s[k] < 1)
      fail(`${k} must be an integer >= 1, got ${String(s[k])}`);
  const lf = s.latentFeatureChannels;
  if (lf !== null && (!Number.isInteger(lf) || lf < 1))
    fail(`latentFeatureChannels must be null or an integer >= 1, got ${String(lf)}`);
  const modes = s.fnoNModes;
  if (!Array.isArray(modes) || modes.length < 1 || modes.length > 3)
    fail(`fnoNModes must list 1 to 3 mode counts (the latent grid's axes), got ${String(modes)}`);
  for (const r of ['inGnoRadius', 'outGnoRadius'] as const)
    if (!(s[r] > 0) || !Number.isFinite(s[r]))
      fail(`${r} must be a finite number > 0, got ${s[r]}`);
  if (s.outGnoTanh !== null && s.outGnoTanh !== 'latent_embed' && s.outGnoTanh !== 'both')
    fail(`outGnoTanh must be null, 'latent_embed' or 'both', got '${String(s.outGnoTanh)}'`);
  return s;
}
