import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add, mul } from '../ops/binary';
import { channelLinear } from '../ops/channel_linear';
import { crop, pad } from '../ops/pad';
import { gelu } from '../ops/unary';
import { Rng } from '../random';
import { ChannelMLP, reshapeWeight } from '../nn/channel_mlp';
import { GridEmbedding } from '../nn/embedding';
import { Module, uniformInit } from '../nn/module';
import { SpectralConv } from '../nn/spectral_conv';
import { checkResolution, requireConfig } from './checks';

/** neuraloperator's FNO constructor arguments in camelCase, with the same defaults. */
export interface FNOConfig {
  /** Fourier modes kept per spatial axis (n_modes); its length is the number of spatial dims. */
  nModes: readonly number[];
  /** Input channels, not counting the grid embedding's coordinates. */
  inChannels: number;
  /** Output channels. */
  outChannels: number;
  /** Width of the Fourier blocks. */
  hiddenChannels: number;
  /** Fourier blocks. Default 4. */
  nLayers?: number;
  /** Hidden width of the lifting MLP over hiddenChannels. Default 2. */
  liftingChannelRatio?: number;
  /** Hidden width of the projection MLP over hiddenChannels. Default 2. */
  projectionChannelRatio?: number;
  /** 'grid' (default) appends each point's coordinates in [0, 1) as channels; null appends none. */
  positionalEmbedding?: 'grid' | null;
  /** Hidden width of each block's channel MLP over hiddenChannels. Default 0.5. */
  channelMlpExpansion?: number;
  /** Fraction of each spatial size zero-padded on both sides after lifting (neuraloperator domain_padding). */
  domainPadding?: number | null;
  /** null: dense spectral weights; 'tucker': Tucker-factorized ones (TFNO, tltorch's TuckerTensor). */
  factorization?: 'tucker' | null;
  /**
   * Tucker rank (factorization 'tucker'): a fraction of the dense parameter count as tensorly's
   * validate_tucker_rank reads it (neuraloperator's default 1.0), an integer >= 2 for the same rank
   * on every mode, or the list (r_in, r_out, r_1, ..., r_d). See tuckerRank.
   */
  rank?: number | readonly number[];
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

const KEYS = new Set([
  'nModes',
  'inChannels',
  'outChannels',
  'hiddenChannels',
  'nLayers',
  'liftingChannelRatio',
  'projectionChannelRatio',
  'positionalEmbedding',
  'channelMlpExpansion',
  'domainPadding',
  'factorization',
  'rank',
  'seed',
]);

/** Python's round(): halves go to the even neighbour (round(2.5) = 2), as neuraloperator computes sizes. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function positiveInt(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new WgnoError('FNO', `${name} must be an integer >= 1, got ${String(v)}`);
  return v as number;
}

/**
 * The Fourier Neural Operator of neuraloperator 2.x (Li et al. 2021), 1-D to 3-D, with its
 * state_dict names: lifting -> n_layers Fourier blocks -> projection. Runs at any resolution that
 * has at least as many frequencies as modes kept (zero-shot super-resolution).
 *
 * @example
 * const model = new FNO(rt, { nModes: [12, 12], inChannels: 3, outChannels: 1, hiddenChannels: 32 });
 * model.loadStateDict(readSafetensors(bytes));
 * const y = model.forward(rt.tensor(data, [4, 3, 64, 64]));
 */
/** The layers an FNO's body runs through (FNO's, or PopulationFNO's per-member versions). */
export interface FNOParts {
  readonly embedding: { forward(x: Tensor): Tensor } | null;
  readonly lifting: { forward(x: Tensor): Tensor };
  readonly blocks: { forward(x: Tensor): Tensor };
  readonly projection: { forward(x: Tensor): Tensor };
}

/**
 * Grid embedding, lifting, domain padding, the blocks, crop and projection of x [batch, in,
 * n_1, ..., n_d] (the resolution checked against the modes first, naming `op`): the one body of
 * FNO and PopulationFNO.
 */
export function fnoBody(
  op: string,
  m: FNOParts,
  c: Pick<FNOConfig, 'nModes' | 'domainPadding'>,
  x: Tensor,
): Tensor {
  const spatial = x.shape.slice(2);
  const padded = spatial.map((n) => n + 2 * (c.domainPadding ? pyRound(c.domainPadding * n) : 0));
  checkResolution(op, c.nModes, spatial, padded);
  if (m.embedding) x = m.embedding.forward(x);
  x = m.lifting.forward(x);
  const padding = c.domainPadding
    ? [0, 0, ...x.shape.slice(2).map((n) => pyRound(c.domainPadding! * n))]
    : null;
  if (padding) x = pad(x, padding, padding);
  x = m.blocks.forward(x);
  if (padding) x = crop(x, padding, padding);
  return m.projection.forward(x);
}

export class FNO extends Module {
  /** The config with every default filled in. */
  readonly config: Required<
    Omit<FNOConfig, 'domainPadding' | 'factorization' | 'positionalEmbedding'>
  > &
    Pick<FNOConfig, 'domainPadding' | 'factorization' | 'positionalEmbedding'>;
  private readonly lifting: ChannelMLP;
  private readonly projection: ChannelMLP;
  private readonly blocks: FNOBlocks;
  private readonly embedding: GridEmbedding | null;

  constructor(rt: Runtime, cfg: FNOConfig) {
    super(rt);
    requireConfig('FNO', cfg, ['nModes', 'inChannels', 'outChannels', 'hiddenChannels']);
    for (const k of Object.keys(cfg))
      if (!KEYS.has(k))
        throw new WgnoError(
          'FNO',
          `unknown config key '${k}'; valid keys: ${[...KEYS].join(', ')}`,
        );
    const factorization =
      cfg.factorization == null ? null : String(cfg.factorization).toLowerCase();
    if (factorization !== null && factorization !== 'tucker')
      throw new WgnoError(
        'FNO',
        `factorization '${String(cfg.factorization)}' is not supported; use null (dense weights) or 'tucker'`,
      );
    const d = cfg.nModes?.length ?? 0;
    if (d < 1 || d > 3)
      throw new WgnoError('FNO', `nModes must list 1 to 3 mode counts, got [${cfg.nModes ?? ''}]`);
    const h = positiveInt('hiddenChannels', cfg.hiddenChannels);
    this.config = {
      nModes: [...cfg.nModes],
      inChannels: positiveInt('inChannels', cfg.inChannels),
      outChannels: positiveInt('outChannels', cfg.outChannels),
      hiddenChannels: h,
      nLayers: positiveInt('nLayers', cfg.nLayers ?? 4),
      liftingChannelRatio: cfg.liftingChannelRatio ?? 2,
      projectionChannelRatio: cfg.projectionChannelRatio ?? 2,
      positionalEmbedding: cfg.positionalEmbedding === undefined ? 'grid' : cfg.positionalEmbedding,
      channelMlpExpansion: cfg.channelMlpExpansion ?? 0.5,
      domainPadding: cfg.domainPadding ?? null,
      factorization: factorization as 'tucker' | null,
      rank: cfg.rank ?? 1,
      seed: cfg.seed ?? 0,
    };
    const c = this.config;
    if (c.positionalEmbedding !== 'grid' && c.positionalEmbedding !== null)
      throw new WgnoError(
        'FNO',
        `positionalEmbedding must be 'grid' or null, got '${String(c.positionalEmbedding)}'`,
      );
    if (c.domainPadding != null && !(c.domainPadding >= 0 && c.domainPadding < 1))
      throw new WgnoError('FNO', `domainPadding must be in [0, 1), got ${c.domainPadding}`);
    const rng = new Rng(c.seed);
    this.embedding = c.positionalEmbedding === 'grid' ? new GridEmbedding(rt) : null;
    const liftIn = c.inChannels + (this.embedding ? d : 0);
    const lift = Math.trunc(c.liftingChannelRatio * h); // neuraloperator: int(ratio * hidden)
    this.lifting = this.child(
      'lifting',
      new ChannelMLP(rt, rng, lift > 0 ? [liftIn, lift, h] : [liftIn, h]),
    );
    this.blocks = this.child(
      'fno_blocks',
      new FNOBlocks(rt, rng, {
        channels: h,
        nModes: c.nModes,
        nLayers: c.nLayers,
        channelMlpExpansion: c.channelMlpExpansion,
        factorization: c.factorization ?? null,
        rank: c.rank,
      }),
    );
    const proj = Math.trunc(c.projectionChannelRatio * h);
    this.projection = this.child('projection', new ChannelMLP(rt, rng, [h, proj, c.outChannels]));
  }

  /** x: [batch, inChannels, n1, ..., nd] -> [batch, outChannels, n1, ..., nd]. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    const d = c.nModes.length;
    if (x.shape.length !== d + 2 || x.shape[1] !== c.inChannels) {
      throw new WgnoError(
        'FNO',
        `input [${x.shape.join(', ')}] must be [batch, ${c.inChannels}, ${d} spatial axes]`,
      );
    }
    const { embedding, lifting, blocks, projection } = this;
    return fnoBody('FNO', { embedding, lifting, blocks, projection }, c, x);
  }
}

/** The Fourier blocks' settings (neuraloperator FNOBlocks with in = out = channels). */
export interface FNOBlocksConfig {
  /** Width of every block (input and output channels). */
  channels: number;
  /** Fourier modes kept per spatial axis. */
  nModes: readonly number[];
  /** Blocks. */
  nLayers: number;
  /** Hidden width of each block's channel MLP over `channels`. */
  channelMlpExpansion: number;
  /** null: dense spectral weights; 'tucker': Tucker-factorized ones. */
  factorization: 'tucker' | null;
  /** Tucker rank (see FNOConfig.rank); unused when dense. */
  rank: number | readonly number[];
}

/**
 * neuraloperator's FNOBlocks with FNO's defaults (post-activation, fno_skip 'linear',
 * channel_mlp_skip 'soft-gating', no norm): the `fno_blocks` namespace of FNO and GINO, with
 * convs.{i}, fno_skips.{i}.conv.weight, channel_mlp.{i}.fcs.*, channel_mlp_skips.{i}.weight.
 * Block i: x = gelu?(conv(x) + skip(x)); x = gelu?(mlp(x) + gate * x_in), GELU except after
 * the last block.
 *
 * @example
 * const blocks = new FNOBlocks(rt, new Rng(0), { channels: 8, nModes: [6, 6], nLayers: 2,
 *   channelMlpExpansion: 0.5, factorization: null, rank: 1 });
 * const y = blocks.forward(x); // x [batch, 8, n1, n2]
 */
export class FNOBlocks extends Module {
  private readonly blocks: {
    conv: SpectralConv;
    skip: Tensor;
    mlp: ChannelMLP;
    gate: Tensor;
  }[] = [];

  constructor(
    rt: Runtime,
    rng: Rng,
    /** The blocks' configuration, as given. */
    readonly config: FNOBlocksConfig,
  ) {
    super(rt);
    const { channels: h, nModes, nLayers } = config;
    const mid = pyRound(config.channelMlpExpansion * h);
    const factorized =
      config.factorization === 'tucker'
        ? { factorization: 'tucker' as const, rank: config.rank }
        : { factorization: 'dense' as const };
    for (let i = 0; i < nLayers; i++) {
      const conv = this.child(`convs.${i}`, new SpectralConv(rt, rng, h, h, nModes, factorized));
      const skip = this.param(`fno_skips.${i}.conv.weight`, uniformInit(rng, h * h, h), [h, h, 1]);
      const mlp = this.child(`channel_mlp.${i}`, new ChannelMLP(rt, rng, [h, mid, h]));
      const gate = this.param(`channel_mlp_skips.${i}.weight`, new Float32Array(h).fill(1), [
        1,
        h,
        ...new Array<number>(nModes.length).fill(1),
      ]);
      this.blocks.push({ conv, skip, mlp, gate });
    }
  }

  /** x [batch, channels, n1, ..., nd] through every block. */
  forward(x: Tensor): Tensor {
    const h = this.config.channels;
    this.blocks.forEach((blk, i) => {
      const last = i === this.blocks.length - 1;
      const skipFno = channelLinear(x, reshapeWeight(blk.skip, h, h));
      const skipMlp = mul(x, blk.gate);
      x = add(blk.conv.forward(x), skipFno);
      if (!last) x = gelu(x);
      x = add(blk.mlp.forward(x), skipMlp);
      if (!last) x = gelu(x);
    });
    return x;
  }
}
