/**
 * neuraloperator's GINO (Li et al. 2023, Geometry-Informed Neural Operator), 2.x semantics and
 * state_dict names: an input GNOBlock (reduction 'mean') from the input point cloud onto a latent
 * regular grid, a ChannelMLP lifting, FNO blocks on the grid, an output GNOBlock (reduction 'sum')
 * from the grid to the query points, and a ChannelMLP projection.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { concat } from '../ops/concat';
import type { Neighborhoods } from '../geometry/relations';
import { broadcastTo, permute, reshape } from '../ops/layout';
import { tanh } from '../ops/unary';
import { Rng } from '../random';
import { ChannelMLP } from '../nn/channel_mlp';
import { GNOBlock, type Coordinates } from '../nn/gno_block';
import type { TransformType } from '../nn/integral_transform';
import { Module } from '../nn/module';
import { FNOBlocks } from './fno';
import { requireConfig } from './checks';
import { ginoSettings, type GINOConfig, type GINOSettings } from './gino_config';

export type { GINOConfig, GINOSettings } from './gino_config';

/** What `GINO.forward` takes: the geometries, their neighbourhoods and the input function. */
export interface GINOInputs {
  /** Input point cloud [nIn, gnoCoordDim] (neuraloperator's input_geom). */
  inputGeom: Coordinates;
  /** Latent grid points [n1 * ... * nk, gnoCoordDim], row-major over the grid axes. */
  latentQueries: Coordinates;
  /** The latent grid's shape [n1, ..., nk], k = fnoNModes.length. */
  latentShape: readonly number[];
  /** Output query points [nOut, gnoCoordDim], or several named sets (one output each). */
  outputQueries: Coordinates | Readonly<Record<string, Coordinates>>;
  /** The input function on inputGeom, [batch, nIn, inChannels]; without it batch is 1. */
  x?: Tensor;
  /** Extra latent channels [batch or 1, n1, ..., nk, latentFeatureChannels]. */
  latentFeatures?: Tensor;
  /** Each latent point's neighbours in inputGeom (radius inGnoRadius). */
  inNeighbors: Neighborhoods;
  /** Each output query's neighbours among the latent points (radius outGnoRadius); per set. */
  outNeighbors: Neighborhoods | Readonly<Record<string, Neighborhoods>>;
}

function gnoBlock(rt: Runtime, s: GINOSettings, io: 'in' | 'out', inC: number, outC: number) {
  const type: TransformType = io === 'in' ? s.inGnoTransformType : s.outGnoTransformType;
  return new GNOBlock(rt, {
    inChannels: inC,
    outChannels: outC,
    coordDim: s.gnoCoordDim,
    radius: io === 'in' ? s.inGnoRadius : s.outGnoRadius,
    transformType: type,
    reduction: io === 'in' ? 'mean' : 'sum',
    posEmbeddingType: io === 'in' ? s.inGnoPosEmbedType : s.outGnoPosEmbedType,
    posEmbeddingChannels: s.gnoEmbedChannels,
    posEmbeddingMaxPositions: s.gnoEmbedMaxPositions,
    channelMlpLayers: io === 'in' ? s.inGnoChannelMlpHiddenLayers : s.outGnoChannelMlpHiddenLayers,
    seed: s.seed + (io === 'in' ? 1 : 2),
  });
}

/**
 * GINO: point cloud -> latent grid (GNO) -> FNO blocks -> query points (GNO) -> projection.
 * State_dict: gno_in.integral_transform.channel_mlp.fcs.*, lifting.fcs.{0,1}.*, fno_blocks.*,
 * gno_out.integral_transform.channel_mlp.fcs.*, projection.fcs.{0,1}.*, as neuraloperator's.
 * Neighbourhoods come from the caller's radius search (see GNOBlock).
 *
 * @example
 * const gino = new GINO(rt, { inChannels: 1, outChannels: 1, gnoCoordDim: 2, fnoNModes: [8, 8],
 *   fnoHiddenChannels: 16, fnoInChannels: 1, inGnoRadius: 0.1, outGnoRadius: 0.1 });
 * const out = gino.forward({ inputGeom, latentQueries, latentShape: [16, 16], outputQueries,
 *   x, inNeighbors, outNeighbors }); // x [batch, nIn, 1]: out [batch, nOut, 1]
 */
export class GINO extends Module {
  /** The config with every default filled in. */
  readonly config: GINOSettings;
  /** Channels the input GNO produces, and the FNO lifting's input (+ latent features). */
  readonly gnoInOutChannels: number;
  /** Input channels of the FNO lifting: gnoInOutChannels plus latentFeatureChannels. */
  readonly fnoInChannels: number;
  private readonly gnoIn: GNOBlock;
  private readonly lifting: ChannelMLP;
  private readonly fnoBlocks: FNOBlocks;
  private readonly gnoOut: GNOBlock;
  private readonly projection: ChannelMLP;

  constructor(rt: Runtime, cfg: GINOConfig) {
    super(rt);
    requireConfig('GINO', cfg, ['inChannels', 'outChannels']);
    const s = (this.config = ginoSettings(cfg));
    const h = s.fnoHiddenChannels;
    const nonlinearIn = s.inGnoTransformType.startsWith('nonlinear');
    this.gnoInOutChannels = nonlinearIn ? s.inChannels : s.fnoInChannels;
    this.fnoInChannels = this.gnoInOutChannels + (s.latentFeatureChannels ?? 0);
    const rng = new Rng(s.seed);
    this.gnoIn = this.child('gno_in', gnoBlock(rt, s, 'in', s.inChannels, this.gnoInOutChannels));
    this.lifting = this.child(
      'lifting',
      new ChannelMLP(rt, rng, [this.fnoInChannels, s.fnoLiftingChannelRatio * h, h]),
    );
    this.fnoBlocks = this.child(
      'fno_blocks',
      new FNOBlocks(rt, rng, {
        channels: h,
        nModes: s.fnoNModes,
        nLayers: s.fnoNLayers,
        channelMlpExpansion: s.fnoChannelMlpExpansion,
        factorization: null,
        rank: 1,
      }),
    );
    this.gnoOut = this.child('gno_out', gnoBlock(rt, s, 'out', h, h));
    this.projection = this.child(
      'projection',
      new ChannelMLP(rt, rng, [h, s.projectionChannelRatio * h, s.outChannels]),
    );
  }

  /** [batch, nOut, outChannels] per output query set (a record when outputQueries is one). */
  forward(inp: GINOInputs & { outputQueries: Coordinates }): Tensor;
  forward(inp: GINOInputs): Record<string, Tensor>;
  forward(inp: GINOInputs): Tensor | Record<string, Tensor> {
    const latent = this.latentEmbedding(inp); // [batch, N, hidden]
    const { outputQueries: q, outNeighbors: nb } = inp;
    if (isCoordinates(q)) {
      if (!isNeighborhoods(nb))
        throw new WgnoError('GINO', 'outNeighbors must be one Neighborhoods for one query set');
      return this.query(inp.latentQueries, latent, q, nb);
    }
    const out: Record<string, Tensor> = {};
    for (const [key, points] of Object.entries(q)) {
      const n = isNeighborhoods(nb) ? undefined : nb[key];
      if (!n)
        throw new WgnoError(
          'GINO',
          `outputQueries['${key}'] has no outNeighbors['${key}']; give one Neighborhoods per query set`,
        );
      out[key] = this.query(inp.latentQueries, latent, points, n);
    }
    return out;
  }

  /** Input GNO, latent features, lifting and FNO blocks: [batch, N, hidden] point-major. */
  private latentEmbedding(inp: GINOInputs): Tensor {
    const grid = this.checkInputs(inp);
    const batch = inp.x ? inp.x.shape[0] : 1;
    const { x, inNeighbors } = inp;
    let p = this.gnoIn.forward({
      y: inp.inputGeom,
      x: inp.latentQueries,
      fY: x,
      neighbors: inNeighbors,
    });
    p = reshape(p, [batch, ...grid, this.gnoInOutChannels]);
    if (inp.latentFeatures) {
      const lf = inp.latentFeatures;
      p = concat([p, broadcastTo(lf, [batch, ...lf.shape.slice(1)])], -1);
    }
    const k = grid.length;
    const toChannelFirst = [0, k + 1, ...grid.map((_, i) => i + 1)];
    let z = this.fnoBlocks.forward(this.lifting.forward(permute(p, toChannelFirst)));
    z = permute(z, [0, ...grid.map((_, i) => i + 2), 1]);
    z = reshape(z, [batch, -1, this.config.fnoHiddenChannels]);
    return this.config.outGnoTanh ? tanh(z) : z;
  }

  /** Output GNO from the latent points to one query set, then the projection. */
  private query(latentQueries: Coordinates, latent: Tensor, q: Coordinates, nb: Neighborhoods) {
    const out = this.gnoOut.forward({ y: latentQueries, x: q, fY: latent, neighbors: nb });
    return permute(this.projection.forward(permute(out, [0, 2, 1])), [0, 2, 1]);
  }

  /** Shapes the layers themselves cannot check; returns the latent grid shape. */
  private checkInputs({ x, latentShape, latentFeatures: lf, inNeighbors }: GINOInputs): number[] {
    const s = this.config;
    const fail = (msg: string): never => {
      throw new WgnoError('GINO', msg);
    };
    const k = s.fnoNModes.length;
    const grid = [...latentShape];
    if (grid.length !== k || grid.some((n) => !Number.isInteger(n) || n < 1))
      fail(`latentShape [${grid.join(', ')}] must list ${k} grid sizes (one per FNO mode axis)`);
    const total = grid.reduce((a, b) => a * b, 1);
    if (inNeighbors.m !== total)
      fail(
        `inNeighbors has ${inNeighbors.m} queries but the latent grid [${grid.join(', ')}] has ${total} points`,
      );
    if (x && (x.shape.length !== 3 || x.shape[2] !== s.inChannels))
      fail(`x ${fmtShape(x.shape)} must be [batch, nIn, ${s.inChannels}] (inChannels)`);
    const multiplies = s.inGnoTransformType !== 'nonlinear_kernelonly';
    if (x && multiplies && this.gnoInOutChannels !== s.inChannels)
      fail(
        `the input GNO ('${s.inGnoTransformType}') multiplies its kernel's ${this.gnoInOutChannels} outputs (fnoInChannels) with x's ${s.inChannels} channels; they must be equal`,
      );
    const lfc = s.latentFeatureChannels;
    if (!lf !== (lfc == null))
      fail(
        lf
          ? 'latentFeatures were given but latentFeatureChannels is not set'
          : `latentFeatureChannels is ${lfc}: pass latentFeatures [batch, ${grid.join(', ')}, ${lfc}]`,
      );
    const batch = x ? x.shape[0] : 1;
    const featShape = [...grid, lfc];
    if (
      lf &&
      (lf.shape.length !== k + 2 ||
        (lf.shape[0] !== batch && lf.shape[0] !== 1) ||
        lf.shape.slice(1).join() !== featShape.join())
    )
      fail(`latentFeatures ${fmtShape(lf.shape)} must be [${batch} or 1, ${featShape.join(', ')}]`);
    return grid;
  }
}

function isNeighborhoods(v: unknown): v is Neighborhoods {
  return typeof v === 'object' && v !== null && 'byQuery' in v && 'byPoint' in v;
}

function isCoordinates(v: unknown): v is Coordinates {
  return (
    typeof v === 'object' &&
    v !== null &&
    (ArrayBuffer.isView(v) || Array.isArray(v) || 'shape' in v)
  );
}
