/** GINO's constructor arguments: neuraloperator's names in camelCase, defaults and checks. */
import { WgnoError } from '../errors';
import type { TransformType } from '../nn/integral_transform';

/**
 * neuraloperator GINO arguments in camelCase, with the same defaults. Supported: the defaults of
 * every other neuraloperator argument (no AdaIN/norm, no mollifier weighting, dense spectral
 * weights, FNO skips 'linear' and 'soft-gating', GELU); an unknown key is an error.
 */
export interface GINOConfig {
  inChannels: number;
  outChannels: number;
  latentFeatureChannels?: number | null;
  projectionChannelRatio?: number;
  gnoCoordDim?: number;
  inGnoRadius?: number;
  outGnoRadius?: number;
  inGnoTransformType?: TransformType;
  outGnoTransformType?: TransformType;
  inGnoPosEmbedType?: 'transformer' | 'nerf' | null;
  outGnoPosEmbedType?: 'transformer' | 'nerf' | null;
  fnoInChannels?: number;
  fnoNModes?: readonly number[];
  fnoHiddenChannels?: number;
  fnoLiftingChannelRatio?: number;
  fnoNLayers?: number;
  gnoEmbedChannels?: number;
  gnoEmbedMaxPositions?: number;
  inGnoChannelMlpHiddenLayers?: readonly number[];
  outGnoChannelMlpHiddenLayers?: readonly number[];
  /** 'latent_embed' or 'both': tanh of the latent embedding before the output GNO. */
  outGnoTanh?: 'latent_embed' | 'both' | null;
  fnoChannelMlpExpansion?: number;
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

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
