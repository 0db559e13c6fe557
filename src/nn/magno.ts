/**
 * GAOT's MAGNO encoder and decoder (camlab-ethz/GAOT, MAGNOEncoder / MAGNODecoder with fixed
 * coordinates): values f on source points y are integrated onto query points x by an attentional
 * GNO (AGNO) and mixed with a statistical embedding of each query's neighbourhood geometry:
 *   a_j    = segment softmax over x's neighbours of cos(x, y_j)  (cosine attention on coordinates)
 *   gno(x) = sum_j a_j k(y_j, x) f(y_j)                          (k: MLP [2d, h x 3, c], GELU)
 *   geo(x) = MLP(standardised [N, mean |y - x|, var |y - x|, centroid - x, eigenvalues of cov])
 *   out    = recovery([gno, geo])                                (1x1 conv, 2c -> c)
 * averaged over the radius scales given (GAOT's default without scale weights). The encoder lifts
 * f first (points -> tokens); the decoder projects after (tokens -> points). Parameter names
 * follow GAOT's state_dict: agno.channel_mlp.fcs.{k}.*, lifting.fcs.0.* / projection.fcs.0.*,
 * geoembed.mlp.{0,2}.*, recovery.fcs.0.*. Not here: edge dropping, learned scale weights, the
 * dot-product attention variant, per-sample coordinates (GAOT's 'vx' mode).
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import type { Neighborhoods } from '../geometry/relations';
import { add, div, mul, sub } from '../ops/binary';
import { concat } from '../ops/concat';
import { fill } from '../ops/fill';
import { gatherRows } from '../ops/gather_rows';
import { broadcastTo, permute } from '../ops/layout';
import { matmul } from '../ops/matmul';
import { slice } from '../ops/pad';
import { mean, sum } from '../ops/reduce';
import { segmentSoftmax } from '../ops/segment_softmax';
import { segmentMean, segmentSum } from '../ops/segment_sum';
import { PACKED, symEig } from '../ops/sym_eig';
import { addScalar, affine, relu, sqrt, square, step } from '../ops/unary';
import { Rng } from '../random';
import { ChannelMLP } from './channel_mlp';
import { LinearChannelMLP } from './integral_transform';
import { Module, uniformInit } from './module';

/** MAGNOEncoder's configuration (GAOT's MAGNOConfig names in camelCase, its defaults). */
export interface MAGNOEncoderConfig {
  /** Channels of f on the physical points. */
  inChannels: number;
  /** Channels on the tokens (GAOT's lifting_channels). Default 32. */
  outChannels?: number;
  /** Coordinate dimension, 2 or 3. Default 2. */
  coordDim?: 2 | 3;
  /** Hidden width of the kernel MLP. Default 64. */
  hiddenSize?: number;
  /** Hidden layers of the kernel MLP. Default 3. */
  mlpLayers?: number;
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

/** What MAGNOEncoder.forward takes. */
export interface MAGNOEncoderInputs {
  /** Physical points [n, d] (GAOT scales them to [-1, 1]). */
  y: Tensor;
  /** Latent token coordinates [m, d]. */
  x: Tensor;
  /** Values on the points, [batch, n, inChannels]. */
  f: Tensor;
  /**
   * Each token's points within the radius, radiusNeighborhoods(rt, tokens, points, r); a list for
   * several radius scales (averaged).
   */
  neighbors: Neighborhoods | readonly Neighborhoods[];
}

/** torch's nn.Linear: weight [out, in], bias [out], torch's default initialisation. */
class Linear extends Module {
  readonly w: Tensor;
  readonly b: Tensor;
  constructor(rt: Runtime, rng: Rng, [cin, cout]: [number, number]) {
    super(rt);
    this.w = this.param('weight', uniformInit(rng, cout * cin, cin), [cout, cin]);
    this.b = this.param('bias', uniformInit(rng, cout, cin), [cout]);
  }

  forward(x: Tensor): Tensor {
    return matmul(x, this.w, { transB: true, bias: this.b });
  }
}

/** GAOT's statistical GeometricEmbedding: its features, then Linear, ReLU, Linear, ReLU. */
class GeometricEmbedding extends Module {
  private readonly layers: Linear[];
  constructor(rt: Runtime, rng: Rng, d: number, out: number) {
    super(rt);
    const mlp = (k: number, l: Linear) => this.child(`mlp.${k}`, l);
    this.layers = [
      mlp(0, new Linear(rt, rng, [3 + 2 * d, 64])),
      mlp(2, new Linear(rt, rng, [64, out])),
    ];
  }

  forward(y: Tensor, x: Tensor, nb: Neighborhoods): Tensor {
    // GAOT ends the MLP with a ReLU too: nn.Sequential(Linear, ReLU, Linear, ReLU).
    const h = relu(this.layers[0].forward(geometryFeatures(y, x, nb)));
    return relu(this.layers[1].forward(h));
  }
}

/** The columns of x [r, k] as k tensors [r, 1]. */
const columns = (x: Tensor) => Array.from({ length: x.shape[1] }, (_, k) => slice(x, 1, k, k + 1));

/**
 * GAOT's statistical geometry features of each query's neighbourhood, [m, 3 + 2d], standardised
 * over the queries: neighbour count N, mean and (biased) variance of the distances |y_j - x|,
 * centroid offset (d), eigenvalues of the neighbours' covariance + 1e-6 I, descending (d). A
 * query without neighbours gets zeros before standardising. Standardising uses the unbiased
 * std, replaced by 1 where it is below 1e-6 (a feature constant over the queries).
 */
export function geometryFeatures(y: Tensor, x: Tensor, nb: Neighborhoods): Tensor {
  const d = y.shape[1];
  const yE = gatherRows(y, nb.byPoint); // [nnz, d] each edge's neighbour
  const xE = gatherRows(x, nb.byQuery); // [nnz, d] each edge's query
  const count = segmentSum(fill(y.rt, [nb.nnz, 1], 1), nb.byQuery); // [m, 1]
  const dist = sqrt(sum(square(sub(yE, xE)), -1, true)); // [nnz, 1]
  const dAvg = segmentMean(dist, nb.byQuery);
  const dVar = relu(sub(segmentMean(square(dist), nb.byQuery), square(dAvg)));
  const centroid = segmentMean(yE, nb.byQuery); // [m, d]
  const c = columns(sub(yE, gatherRows(centroid, nb.byQuery)));
  const pairs = PACKED[d as 2 | 3];
  const cov = segmentMean(
    concat(
      pairs.map(([p, q]) => mul(c[p], c[q])),
      1,
    ),
    nb.byQuery,
  );
  const ridge = concat(
    pairs.map(([p, q]) => fill(y.rt, [1, 1], p === q ? 1e-6 : 0)),
    1,
  );
  const eig = columns(symEig(add(cov, ridge))).reverse(); // descending, as GAOT
  const has = step(count); // 1 where the query has neighbours
  const raw = mul(concat([count, dAvg, dVar, sub(centroid, x), ...eig], 1), has);
  const m = raw.shape[0];
  const centred = sub(raw, mean(raw, 0, true));
  const std = sqrt(affine(sum(square(centred), 0, true), 1 / Math.max(m - 1, 1), 0));
  const small = step(addScalar(affine(std, -1, 0), 1e-6)); // 1 where std < 1e-6
  return div(centred, add(std, mul(small, affine(std, -1, 1))));
}

/** The layers encoder and decoder share: the kernel MLP, the geometry embedding, recovery. */
abstract class MagnoBlock extends Module {
  private kernel!: LinearChannelMLP;
  private geoembed!: GeometricEmbedding;
  private recovery!: ChannelMLP;

  constructor(
    rt: Runtime,
    private readonly op: string,
    /** Coordinate dimension, 2 or 3. */
    readonly coordDim: 2 | 3,
  ) {
    super(rt);
    if (coordDim !== 2 && coordDim !== 3)
      throw new WgnoError(op, `coordDim ${String(coordDim)} must be 2 or 3`);
  }

  /** Register agno.channel_mlp with sizes [2d, h x layers, c]. */
  protected addKernel(rng: Rng, hidden: number, layers: number, c: number): void {
    const sizes = [2 * this.coordDim, ...Array<number>(layers).fill(hidden), c];
    this.kernel = this.child('agno', new AgnoParams(this.rt)).own(
      new LinearChannelMLP(this.rt, rng, sizes),
    );
  }

  /** Register geoembed and recovery for c channels. */
  protected addGeometry(rng: Rng, c: number): void {
    this.geoembed = this.child('geoembed', new GeometricEmbedding(this.rt, rng, this.coordDim, c));
    this.recovery = this.child('recovery', new ChannelMLP(this.rt, rng, [2 * c, c]));
  }

  /** f [B, n, c] on y [n, d] -> [B, m, c] on x [m, d], averaged over the scales' neighbourhoods. */
  protected integrate(y: Tensor, x: Tensor, f: Tensor, scales: readonly Neighborhoods[]): Tensor {
    const unit = (v: Tensor) => div(v, sqrt(addScalar(sum(square(v), -1, true), 1e-24)));
    const outs = scales.map((nb) => {
      const yE = gatherRows(y, nb.byPoint);
      const xE = gatherRows(x, nb.byQuery);
      const attn = segmentSoftmax(sum(mul(unit(xE), unit(yE)), -1, true), nb.byQuery); // [nnz, 1]
      const k = mul(this.kernel.forward(concat([yE, xE], -1)), attn); // [nnz, c]
      const gno = segmentSum(gatherRows(f, nb.byPoint), nb.byQuery, {
        times: broadcastTo(k, [f.shape[0], ...k.shape]),
      });
      const geo = this.geoembed.forward(y, x, nb); // [m, c]
      return channels(this.recovery, concat([gno, broadcastTo(geo, gno.shape)], -1));
    });
    const total = outs.reduce((a, b) => add(a, b));
    return outs.length === 1 ? total : affine(total, 1 / outs.length, 0);
  }

  /** Shapes of y [n, d], x [m, d], f [B, n, c] against every scale's neighbourhoods. */
  protected check(y: Tensor, x: Tensor, f: Tensor, scales: readonly Neighborhoods[]): void {
    const [d, op] = [this.coordDim, this.op];
    if (scales.length === 0)
      throw new WgnoError(op, 'needs the neighbourhoods of at least one scale');
    for (const nb of scales) {
      if (y.shape.length !== 2 || y.shape[1] !== d || y.shape[0] !== nb.n)
        throw new WgnoError(
          op,
          `y ${fmtShape(y.shape)} must be [n, ${d}] with n = ${nb.n} (the neighbourhoods' points)`,
        );
      if (x.shape.length !== 2 || x.shape[1] !== d || x.shape[0] !== nb.m)
        throw new WgnoError(
          op,
          `x ${fmtShape(x.shape)} must be [m, ${d}] with m = ${nb.m} (the neighbourhoods' queries)`,
        );
      if (f.shape.length !== 3 || f.shape[1] !== nb.n)
        throw new WgnoError(op, `values ${fmtShape(f.shape)} must be [batch, ${nb.n}, channels]`);
    }
  }
}

/** A ChannelMLP (1x1 conv over [B, C, N]) applied to point-major [B, N, C]. */
function channels(mlp: ChannelMLP, t: Tensor): Tensor {
  return permute(mlp.forward(permute(t, [0, 2, 1])), [0, 2, 1]);
}

const list = (nb: Neighborhoods | readonly Neighborhoods[]) =>
  (Array.isArray(nb) ? nb : [nb]) as readonly Neighborhoods[];

/**
 * GAOT's MAGNO encoder: point values f [batch, n, in] on points y [n, d] -> token features
 * [batch, m, out] on tokens x [m, d] (see the module comment).
 *
 * @example
 * const enc = new MAGNOEncoder(rt, { inChannels: 1, outChannels: 32 });
 * const nb = await radiusNeighborhoods(rt, { coords: tokens, dim: 2 }, { coords: points, dim: 2 }, 0.033);
 * const latent = enc.forward({ y, x, f, neighbors: nb }); // [B, 4096, 32] for 64 x 64 tokens
 */
export class MAGNOEncoder extends MagnoBlock {
  private readonly lifting: ChannelMLP;

  constructor(rt: Runtime, config: MAGNOEncoderConfig) {
    super(rt, 'MAGNOEncoder', config.coordDim ?? 2);
    const { inChannels, outChannels = 32, hiddenSize = 64, mlpLayers = 3 } = config;
    const rng = new Rng(config.seed ?? 0);
    this.addKernel(rng, hiddenSize, mlpLayers, outChannels);
    this.lifting = this.child('lifting', new ChannelMLP(rt, rng, [inChannels, outChannels]));
    this.addGeometry(rng, outChannels);
  }

  /** f [batch, n, in] -> [batch, m, out]; one Neighborhoods per radius scale (averaged). */
  forward({ y, x, f, neighbors }: MAGNOEncoderInputs): Tensor {
    const scales = list(neighbors);
    this.check(y, x, f, scales);
    return this.integrate(y, x, channels(this.lifting, f), scales);
  }
}

/** MAGNODecoder's configuration (GAOT's MAGNOConfig names in camelCase, its defaults). */
export interface MAGNODecoderConfig {
  /** Channels on the tokens (GAOT's lifting_channels). Default 32. */
  inChannels?: number;
  /** Channels of the output on the query points. */
  outChannels: number;
  /** Coordinate dimension, 2 or 3. Default 2. */
  coordDim?: 2 | 3;
  /** Hidden width of the kernel MLP. Default 64. */
  hiddenSize?: number;
  /** Hidden layers of the kernel MLP. Default 3. */
  mlpLayers?: number;
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

/** What MAGNODecoder.forward takes. */
export interface MAGNODecoderInputs {
  /** Latent token coordinates [m, d]. */
  tokens: Tensor;
  /** Token features [batch, m, inChannels]. */
  latent: Tensor;
  /** Query points [q, d]. */
  queries: Tensor;
  /** Each query's tokens within the radius: radiusNeighborhoods(rt, queries, tokens, r). */
  neighbors: Neighborhoods | readonly Neighborhoods[];
}

/**
 * GAOT's MAGNO decoder: token features [batch, m, in] on tokens [m, d] -> [batch, q, out] on any
 * query points [q, d]: the same attentional GNO and geometry embedding from tokens to points,
 * then a 1x1 projection.
 *
 * @example
 * const dec = new MAGNODecoder(rt, { inChannels: 32, outChannels: 1 });
 * const nb = await radiusNeighborhoods(rt, { coords: points, dim: 2 }, { coords: tokens, dim: 2 }, 0.033);
 * const u = dec.forward({ tokens, latent, queries, neighbors: nb }); // [B, q, 1]
 */
export class MAGNODecoder extends MagnoBlock {
  private readonly projection: ChannelMLP;

  constructor(rt: Runtime, config: MAGNODecoderConfig) {
    super(rt, 'MAGNODecoder', config.coordDim ?? 2);
    const { inChannels = 32, outChannels, hiddenSize = 64, mlpLayers = 3 } = config;
    const rng = new Rng(config.seed ?? 0);
    this.addKernel(rng, hiddenSize, mlpLayers, inChannels);
    this.projection = this.child('projection', new ChannelMLP(rt, rng, [inChannels, outChannels]));
    this.addGeometry(rng, inChannels);
  }

  /** latent [batch, m, in] -> [batch, q, out]; one Neighborhoods per radius scale (averaged). */
  forward({ tokens, latent, queries, neighbors }: MAGNODecoderInputs): Tensor {
    const scales = list(neighbors);
    this.check(tokens, queries, latent, scales);
    return channels(this.projection, this.integrate(tokens, queries, latent, scales));
  }
}

/** The `agno` submodule: it only holds the kernel MLP, as `agno.channel_mlp`. */
class AgnoParams extends Module {
  own(mlp: LinearChannelMLP): LinearChannelMLP {
    return this.child('channel_mlp', mlp);
  }
}
