import { WgnoError } from '../errors';
import type { Norm } from '../ops/fft';
import type { SpaceTimeActivation } from './spacetime_fno_layers';
import { requireConfig } from './checks';

/**
 * torch-cfd SFNO's constructor arguments in camelCase, with its defaults (out_dim 1, no spatial
 * padding, no spatial random features, activation in the lifting operator).
 */
export interface SpaceTimeFNOConfig {
  /** Fourier modes on each side of 0 along x (modes_x). */
  modesX: number;
  /** Fourier modes on each side of 0 along y (modes_y). */
  modesY: number;
  /** Time frequencies 0..modesT-1 kept (modes_t). */
  modesT: number;
  /** Latent channels; also the positional channels (even, >= 4). */
  width: number;
  /** Space-time spectral layers, the lifting operator's included. Default 4. */
  numSpectralLayers?: number;
  /** Time length of the latent (latent_steps). Default 10. */
  latentSteps?: number;
  /** Predicted frames when forward is not told (output_steps); null: as many as the input. Default null. */
  outputSteps?: number | null;
  /** Hidden width of the pointwise FFNs over width. Default 4. */
  channelExpansion?: number;
  /** Exponential rate of the time bases (beta). Default -0.01. */
  beta?: number;
  /** Scale of the output layer's complex bias (delta). Default 0.1. */
  delta?: number;
  /** FFT normalisation of the lifting and output layers (fft_norm). Default 'backward'. */
  fftNorm?: Norm;
  /** 'ReLU' (default) or 'GELU'. */
  activation?: SpaceTimeActivation;
  /** Zero-pad time in the output layer (temporal_padding). Default true. */
  temporalPadding?: boolean;
  /** Seed of the parameter initialisation (wgno only). Default 0. */
  seed?: number;
}

/** The config with every default filled in. */
export type SpaceTimeFNOResolved = Required<Omit<SpaceTimeFNOConfig, 'outputSteps'>> & {
  outputSteps: number | null;
};

const DEFAULTS = {
  numSpectralLayers: 4,
  latentSteps: 10,
  outputSteps: null,
  channelExpansion: 4,
  beta: -1e-2,
  delta: 0.1,
  fftNorm: 'backward' as Norm,
  activation: 'ReLU' as SpaceTimeActivation,
  temporalPadding: true,
  seed: 0,
};
const KEYS = new Set(['modesX', 'modesY', 'modesT', 'width', ...Object.keys(DEFAULTS)]);

function int(name: string, v: unknown, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min)
    throw new WgnoError('SpaceTimeFNO', `${name} must be an integer >= ${min}, got ${String(v)}`);
  return v as number;
}

/** Checks a SpaceTimeFNOConfig (unknown keys, ranges) and fills in the defaults. */
export function resolveSpaceTimeFNOConfig(cfg: SpaceTimeFNOConfig): SpaceTimeFNOResolved {
  requireConfig('SpaceTimeFNO', cfg, ['modesX', 'modesY', 'modesT', 'width']);
  for (const k of Object.keys(cfg))
    if (!KEYS.has(k))
      throw new WgnoError(
        'SpaceTimeFNO',
        `unknown config key '${k}'; valid keys: ${[...KEYS].join(', ')}`,
      );
  const c = { ...DEFAULTS, ...cfg } as SpaceTimeFNOResolved;
  (['modesX', 'modesY', 'modesT', 'latentSteps', 'channelExpansion'] as const).forEach((k) =>
    int(k, c[k], 1),
  );
  int('numSpectralLayers', c.numSpectralLayers, 2);
  if (int('width', c.width, 4) % 2 !== 0)
    throw new WgnoError('SpaceTimeFNO', `width must be even (positional channels), got ${c.width}`);
  if (c.outputSteps !== null) int('outputSteps', c.outputSteps, 1);
  if (c.activation !== 'ReLU' && c.activation !== 'GELU')
    throw new WgnoError(
      'SpaceTimeFNO',
      `activation must be 'ReLU' or 'GELU', got '${String(c.activation)}'`,
    );
  if (!['backward', 'forward', 'ortho'].includes(c.fftNorm))
    throw new WgnoError(
      'SpaceTimeFNO',
      `fftNorm must be 'backward', 'forward' or 'ortho', got '${String(c.fftNorm)}'`,
    );
  for (const k of ['beta', 'delta'] as const)
    if (!Number.isFinite(c[k]))
      throw new WgnoError('SpaceTimeFNO', `${k} must be a finite number, got ${String(c[k])}`);
  if (typeof c.temporalPadding !== 'boolean')
    throw new WgnoError('SpaceTimeFNO', `temporalPadding must be true or false`);
  return c;
}
