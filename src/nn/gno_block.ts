/**
 * neuraloperator's GNOBlock (2.x): a sinusoidal positional embedding of the coordinates, then an
 * IntegralTransform whose kernel is a LinearChannelMLP on [embed(y_j), embed(x)] (+ f(y_j) for
 * the nonlinear forms). State_dict names: `integral_transform.channel_mlp.fcs.{k}.weight` (out, in)
 * and `.bias` (out,); the embedding has no parameters.
 *
 * neuraloperator's block runs its own radius search; here the neighbourhoods are an input (a CSR
 * `Neighborhoods` built with `radius`, |x - y_j| <= radius inclusive), so one search can serve
 * several blocks and steps. Its mollifier `weighting_fn` is not supported.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { Tensor } from '../graph/tensor';
import type { Neighborhoods } from '../geometry/relations';
import { SinusoidalEmbedding } from './embedding';
import { IntegralTransform, type TransformType } from './integral_transform';
import { Module } from './module';

/** neuraloperator's GNOBlock arguments in camelCase, with the same defaults. */
export interface GNOBlockConfig {
  /** Channels of f (read only by the nonlinear forms, whose kernel takes f(y_j)). */
  inChannels: number;
  /** Channels of the output (the kernel MLP's last width). */
  outChannels: number;
  /** Dimension of the points y and x. */
  coordDim: number;
  /** The neighbourhood radius the caller's search uses (kept for it; not read here). */
  radius: number;
  /** The kernel's form (see TransformType). Default 'linear'. */
  transformType?: TransformType;
  /** How each query's neighbour terms are combined. Default 'sum'. */
  reduction?: 'sum' | 'mean';
  /** Default 'transformer'; null: the kernel reads the raw coordinates. */
  posEmbeddingType?: 'transformer' | 'nerf' | null;
  /** Frequency levels per coordinate (default 32). */
  posEmbeddingChannels?: number;
  /** Base of the 'transformer' embedding's wavelengths (default 10000). */
  posEmbeddingMaxPositions?: number;
  /**
   * Kernel MLP widths (default [128, 256, 128]). As neuraloperator: the kernel input width is
   * prepended unless it is already the first entry, and outChannels appended unless already last.
   */
  channelMlpLayers?: readonly number[];
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

/**
 * Points: host coordinates, row-major [n, coordDim] (embedded on the CPU into a constant, see
 * SinusoidalEmbedding), or a tensor [n, coordDim] (embedded on the GPU, if at all, so gradients
 * reach the coordinates).
 */
export type Coordinates = ArrayLike<number> | Tensor;

/** What `GNOBlock.forward` takes: the points, their neighbourhoods and the function. */
export interface GNOBlockInputs {
  /** Data points [n, coordDim]. */
  y: Coordinates;
  /** Query points [m, coordDim]; default y. */
  x?: Coordinates;
  /** f on the data points, [n, c] or [batch, n, c]; without it the kernel alone is integrated. */
  fY?: Tensor;
  /** Each query's neighbours among the data points (see geometry/relations.ts `neighborhoods`). */
  neighbors: Neighborhoods;
}

function positiveInt(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new WgnoError('GNOBlock', `${name} must be an integer >= 1, got ${String(v)}`);
  return v as number;
}

/** Defaults filled in and checked (a WgnoError names the bad key). */
function blockSettings(cfg: GNOBlockConfig): GNOBlock['config'] {
  if (!(cfg.radius > 0) || !Number.isFinite(cfg.radius))
    throw new WgnoError('GNOBlock', `radius must be a finite number > 0, got ${cfg.radius}`);
  const type = cfg.posEmbeddingType === undefined ? 'transformer' : cfg.posEmbeddingType;
  if (type !== null && type !== 'transformer' && type !== 'nerf')
    throw new WgnoError(
      'GNOBlock',
      `posEmbeddingType '${String(type)}' is invalid; use 'transformer', 'nerf' or null`,
    );
  return {
    inChannels: positiveInt('inChannels', cfg.inChannels),
    outChannels: positiveInt('outChannels', cfg.outChannels),
    coordDim: positiveInt('coordDim', cfg.coordDim),
    radius: cfg.radius,
    transformType: cfg.transformType ?? 'linear',
    reduction: cfg.reduction ?? 'sum',
    posEmbeddingType: type,
    posEmbeddingChannels: positiveInt('posEmbeddingChannels', cfg.posEmbeddingChannels ?? 32),
    posEmbeddingMaxPositions: cfg.posEmbeddingMaxPositions ?? 10000,
    channelMlpLayers: [...(cfg.channelMlpLayers ?? [128, 256, 128])],
    seed: cfg.seed ?? 0,
  };
}

/**
 * Kernel integral from points y to points x with neuraloperator's GNOBlock semantics.
 *
 * @example
 * const gno = new GNOBlock(rt, { inChannels: 3, outChannels: 3, coordDim: 2, radius: 0.3,
 *   channelMlpLayers: [32, 32] });
 * const nb = neighborhoods(rt, { rowSplits, index, nPoints: 100 }); // from a radius-0.3 search
 * const out = gno.forward({ y: yCoords, x: xCoords, fY, neighbors: nb }); // fY [100, 3]: [m, 3]
 */
export class GNOBlock extends Module {
  /** The config with every default filled in. */
  readonly config: Readonly<Required<Omit<GNOBlockConfig, 'posEmbeddingType'>>> & {
    /** The coordinates' embedding; null: raw coordinates. */
    readonly posEmbeddingType: 'transformer' | 'nerf' | null;
  };
  /** The coordinates' embedding (no parameters), or null. */
  readonly posEmbedding: SinusoidalEmbedding | null;
  /** The kernel integral (parameters under `integral_transform.`). */
  readonly integralTransform: IntegralTransform;

  constructor(rt: Runtime, cfg: GNOBlockConfig) {
    super(rt);
    this.config = blockSettings(cfg);
    const c = this.config;
    const type = c.posEmbeddingType;
    this.posEmbedding =
      type === null
        ? null
        : new SinusoidalEmbedding({
            inChannels: c.coordDim,
            numFrequencies: c.posEmbeddingChannels,
            embeddingType: type,
            maxPositions: c.posEmbeddingMaxPositions,
          });
    this.integralTransform = this.child(
      'integral_transform',
      new IntegralTransform(rt, {
        channelMlpLayers: this.kernelLayers(),
        transformType: c.transformType,
        reduction: c.reduction,
        seed: c.seed,
      }),
    );
  }

  /** The kernel MLP's widths by neuraloperator's rule (see channelMlpLayers). */
  private kernelLayers(): number[] {
    const c = this.config;
    const point = this.posEmbedding ? this.posEmbedding.outChannels : c.coordDim;
    const kin = 2 * point + (c.transformType.startsWith('nonlinear') ? c.inChannels : 0);
    const layers = [...c.channelMlpLayers];
    if (layers[0] !== kin) layers.unshift(kin);
    if (layers[layers.length - 1] !== c.outChannels) layers.push(c.outChannels);
    return layers;
  }

  /** out [m, outChannels], or [batch, m, outChannels] for a batched fY. */
  forward({ y, x, fY, neighbors }: GNOBlockInputs): Tensor {
    const yk = this.kernelInput(y, neighbors.n, 'y');
    const xk = x === undefined ? yk : this.kernelInput(x, neighbors.m, 'x');
    return this.integralTransform.forward({ y: yk, x: xk, fY, neighbors });
  }

  /**
   * What the kernel reads for `count` points: their embedding [count, 2 L coordDim], or the
   * coordinates [count, coordDim]. `name` ('y' or 'x') is for error messages. Host coordinates
   * become a new constant leaf on every call: record the graph once and replay it (rt.compile)
   * rather than calling forward per step. A coordinate tensor is embedded with GPU ops.
   */
  kernelInput(p: Coordinates, count: number, name: 'y' | 'x'): Tensor {
    const d = this.config.coordDim;
    const role = name === 'y' ? 'data points' : 'queries';
    if (p instanceof Tensor) {
      if (p.shape.length !== 2 || p.shape[0] !== count || p.shape[1] !== d)
        throw new WgnoError(
          'GNOBlock',
          `${name} ${fmtShape(p.shape)} must be [${count}, ${d}]: the neighbourhoods' ${role}, coordDim ${d}`,
        );
      return this.posEmbedding ? this.posEmbedding.embedTensor(p) : p;
    }
    if (p.length !== count * d)
      throw new WgnoError(
        'GNOBlock',
        `${name} has ${p.length} coordinates; expected ${count} ${role} (the neighbourhoods') x coordDim ${d} = ${count * d}`,
      );
    if (this.posEmbedding) return this.posEmbedding.upload(this.rt, p);
    return this.rt.tensor(p, [count, d], { label: `${name} coordinates [${count}, ${d}]` });
  }
}
