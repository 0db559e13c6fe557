/**
 * A graph neural operator over one fixed point cloud: the graph kernel network of Li et al. 2020
 * ("Neural Operator: Graph Kernel Network for Partial Differential Equations", arXiv:2003.03485),
 * built from neuraloperator 2.x layers. neuraloperator has no class for it; the architecture and
 * the state_dict names below are wgno's, in neuraloperator's style.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import type { Neighborhoods } from '../geometry/relations';
import { matmul } from '../ops/matmul';
import { gelu } from '../ops/unary';
import { Rng } from '../random';
import { GNOBlock, type Coordinates } from '../nn/gno_block';
import { LinearChannelMLP, type TransformType } from '../nn/integral_transform';
import { Module, uniformInit } from '../nn/module';
import { requireConfig } from './checks';

/** The GNO model's settings (camelCase, neuraloperator-style names). */
export interface GNOConfig {
  /** Channels of f at each point. */
  inChannels: number;
  /** Channels of the output at each point. */
  outChannels: number;
  /** Width h of the integral layers. */
  hiddenChannels: number;
  /** Dimension of the points. */
  coordDim: number;
  /** Neighbourhood radius (for the caller's search; see GNOBlock). */
  radius: number;
  /** Integral layers (default 4). */
  nLayers?: number;
  /** Lifting MLP hidden width = trunc(ratio * h) (default 2); 0: a single linear layer. */
  liftingChannelRatio?: number;
  /** Projection MLP hidden width = trunc(ratio * h) (default 2); 0: a single linear layer. */
  projectionChannelRatio?: number;
  /** Of every integral layer (defaults 'linear' and 'mean', as the original kernel network). */
  transformType?: TransformType;
  /** 'mean' (default) averages over each ball's neighbours; 'sum' adds them. */
  reduction?: 'sum' | 'mean';
  /** Default null: the kernel reads raw coordinates. */
  posEmbeddingType?: 'transformer' | 'nerf' | null;
  /** Frequency levels per coordinate of the positional embedding (default 32). */
  posEmbeddingChannels?: number;
  /** Base of the 'transformer' embedding's wavelengths (default 10000). */
  posEmbeddingMaxPositions?: number;
  /** Kernel MLP hidden widths (default [2h, 2h]); see GNOBlockConfig.channelMlpLayers. */
  kernelMlpLayers?: readonly number[];
  /** Seed of the parameter initialisation. */
  seed?: number;
}

/**
 * Point-major throughout: f [batch, n, inChannels] (or [n, inChannels]) on the points, and
 * neighbourhoods of every point among the same points (m = n). Lifting and projection are
 * LinearChannelMLPs (nn.Linear layers, GELU between), r their ratio:
 *   v_0     = lifting(f)                               lifting.fcs.{0,1}     in -> r h -> h
 *   v_{t+1} = GELU( K_t(v_t) + v_t S_t^T )             t = 0 .. nLayers-1, no GELU after the last
 *   out     = projection(v_T)                          projection.fcs.{0,1}  h -> r h -> out
 * K_t = GNOBlock(h -> h) on (y = x = the points): gno_blocks.{t}.integral_transform.channel_mlp.*,
 * (K_t v)(x) = reduce_{y in B(x, r)} k_t(y, x[, v(y)]) * v(y) ('linear': sum or mean over the
 * ball); S_t = a bias-free linear skip, gno_skips.{t}.weight (h, h), as neuraloperator's 'linear'
 * skip (the root weight W of the original network). Each layer has its own weights (the original
 * shared one kernel across depth) and GELU replaces its ReLU.
 *
 * @example
 * const gno = new GNO(rt, { inChannels: 1, outChannels: 1, hiddenChannels: 16, coordDim: 2,
 *   radius: 0.2 });
 * const nb = neighborhoods(rt, { rowSplits, index, nPoints: 200 }); // points' own radius graph
 * const u = gno.forward({ points, f, neighbors: nb }); // f [batch, 200, 1]: [batch, 200, 1]
 */
export class GNO extends Module {
  /** The config as given, with nLayers filled in. */
  readonly config: Readonly<GNOConfig> & {
    /** Integral layers. */
    readonly nLayers: number;
  };
  private readonly lifting: LinearChannelMLP;
  private readonly blocks: GNOBlock[] = [];
  private readonly skips: Tensor[] = [];
  private readonly projection: LinearChannelMLP;

  constructor(rt: Runtime, cfg: GNOConfig) {
    super(rt);
    requireConfig('GNO', cfg, [
      'inChannels',
      'outChannels',
      'hiddenChannels',
      'coordDim',
      'radius',
    ]);
    const int = (name: string, v: unknown, min = 1): number => {
      if (!Number.isInteger(v) || (v as number) < min)
        throw new WgnoError('GNO', `${name} must be an integer >= ${min}, got ${String(v)}`);
      return v as number;
    };
    const h = int('hiddenChannels', cfg.hiddenChannels);
    this.config = { ...cfg, nLayers: int('nLayers', cfg.nLayers ?? 4) };
    const [cin, cout] = [int('inChannels', cfg.inChannels), int('outChannels', cfg.outChannels)];
    const width = (name: string, ratio: number) =>
      int(`trunc(${name} * h)`, Math.trunc(ratio * h), 0);
    const lift = width('liftingChannelRatio', cfg.liftingChannelRatio ?? 2);
    const proj = width('projectionChannelRatio', cfg.projectionChannelRatio ?? 2);
    const rng = new Rng(cfg.seed ?? 0);
    this.lifting = this.child(
      'lifting',
      new LinearChannelMLP(rt, rng, lift ? [cin, lift, h] : [cin, h]),
    );
    const blocks = this.child('gno_blocks', new Namespace(rt));
    const skips = this.child('gno_skips', new Namespace(rt));
    for (let t = 0; t < this.config.nLayers; t++) {
      const block = integralLayer(rt, cfg, h, t);
      this.blocks.push(blocks.add(`${t}`, block));
      this.skips.push(skips.addParam(`${t}.weight`, uniformInit(rng, h * h, h), [h, h]));
    }
    this.projection = this.child(
      'projection',
      new LinearChannelMLP(rt, rng, proj ? [h, proj, cout] : [h, cout]),
    );
  }

  /** f [batch, n, inChannels] or [n, inChannels] -> [batch, n, outChannels] (or [n, outChannels]). */
  forward({
    points,
    f,
    neighbors,
  }: {
    points: Coordinates;
    f: Tensor;
    neighbors: Neighborhoods;
  }): Tensor {
    const n = neighbors.n;
    if (neighbors.m !== n)
      throw new WgnoError(
        'GNO',
        `neighbors has ${neighbors.m} queries and ${n} data points; GNO integrates over one point cloud, so they must be equal`,
      );
    const r = f.shape.length;
    if ((r !== 2 && r !== 3) || f.shape[r - 2] !== n || f.shape[r - 1] !== this.config.inChannels)
      throw new WgnoError(
        'GNO',
        `f ${fmtShape(f.shape)} must be [batch, ${n}, ${this.config.inChannels}] or [${n}, ${this.config.inChannels}] (points, inChannels)`,
      );
    // One upload of the kernel's point features serves every layer (they share the embedding).
    const pts = this.blocks[0].kernelInput(points, n, 'y');
    let v = this.lifting.forward(f);
    this.blocks.forEach((block, t) => {
      const k = block.integralTransform.forward({ y: pts, x: pts, fY: v, neighbors });
      v = add(k, matmul(v, this.skips[t], { transB: true }));
      if (t + 1 < this.blocks.length) v = gelu(v);
    });
    return this.projection.forward(v);
  }
}

/** Integral layer t: a GNOBlock h -> h with the model's kernel settings. */
function integralLayer(rt: Runtime, cfg: GNOConfig, h: number, t: number): GNOBlock {
  return new GNOBlock(rt, {
    inChannels: h,
    outChannels: h,
    coordDim: cfg.coordDim,
    radius: cfg.radius,
    transformType: cfg.transformType ?? 'linear',
    reduction: cfg.reduction ?? 'mean',
    posEmbeddingType: cfg.posEmbeddingType ?? null,
    posEmbeddingChannels: cfg.posEmbeddingChannels,
    posEmbeddingMaxPositions: cfg.posEmbeddingMaxPositions,
    channelMlpLayers: cfg.kernelMlpLayers ?? [2 * h, 2 * h],
    seed: (cfg.seed ?? 0) + 1 + t,
  });
}

/** A parameter namespace (`gno_blocks`, `gno_skips`). */
class Namespace extends Module {
  add<M extends Module>(name: string, m: M): M {
    return this.child(name, m);
  }
  addParam(name: string, data: Float32Array, shape: number[]): Tensor {
    return this.param(name, data, shape);
  }
}
