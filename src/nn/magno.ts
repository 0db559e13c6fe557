/**
 * GAOT's MAGNO encoder (camlab-ethz/GAOT, MAGNOEncoder with one scale, fixed coordinates): point
 * values f on physical points y are lifted, integrated onto latent tokens x by an attentional GNO
 * (AGNO), and mixed with a statistical embedding of each token's neighbourhood geometry:
 *   lifted = lifting(f)                                          (1x1 conv, in -> out)
 *   a_j    = segment softmax over x's neighbours of cos(x, y_j)  (cosine attention on coordinates)
 *   enc(x) = sum_j a_j k(y_j, x) lifted(y_j)                     (k: MLP [2d, h x 3, out], GELU)
 *   geo(x) = MLP(standardised [N, mean |y - x|, var |y - x|, centroid - x, eigenvalues of cov])
 *   out    = recovery([enc, geo])                                (1x1 conv, 2 out -> out)
 * Parameter names follow GAOT's state_dict: lifting.fcs.0.*, agno.channel_mlp.fcs.{k}.*,
 * geoembed.mlp.{0,2}.*, recovery.fcs.0.*. Not here yet: several radius scales, edge dropping,
 * the decoder.
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
import { symEig } from '../ops/sym_eig';
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
  /** Each token's points within the radius: radiusNeighborhoods(rt, tokens, points, r). */
  neighbors: Neighborhoods;
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

/** GAOT's statistical GeometricEmbedding: its features, then Linear, ReLU, Linear. */
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
    return this.layers[1].forward(relu(this.layers[0].forward(geometryFeatures(y, x, nb))));
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
  const pairs =
    d === 2
      ? [
          [0, 0],
          [0, 1],
          [1, 1],
        ]
      : [
          [0, 0],
          [0, 1],
          [0, 2],
          [1, 1],
          [1, 2],
          [2, 2],
        ];
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

/**
 * GAOT's MAGNO encoder for one radius scale: point values f [batch, n, in] on points y [n, d] ->
 * token features [batch, m, out] on tokens x [m, d] (see the module comment).
 *
 * @example
 * const enc = new MAGNOEncoder(rt, { inChannels: 1, outChannels: 32 });
 * const nb = await radiusNeighborhoods(rt, { coords: tokens, dim: 2 }, { coords: points, dim: 2 }, 0.033);
 * const latent = enc.forward({ y, x, f, neighbors: nb }); // [B, 4096, 32] for 64 x 64 tokens
 */
export class MAGNOEncoder extends Module {
  readonly coordDim: 2 | 3;
  private readonly lifting: ChannelMLP;
  private readonly kernel: LinearChannelMLP;
  private readonly geoembed: GeometricEmbedding;
  private readonly recovery: ChannelMLP;

  constructor(rt: Runtime, config: MAGNOEncoderConfig) {
    super(rt);
    const { inChannels, outChannels = 32, coordDim = 2, hiddenSize = 64, mlpLayers = 3 } = config;
    if (coordDim !== 2 && coordDim !== 3)
      throw new WgnoError('MAGNOEncoder', `coordDim ${String(coordDim)} must be 2 or 3`);
    this.coordDim = coordDim;
    const rng = new Rng(config.seed ?? 0);
    this.lifting = this.child('lifting', new ChannelMLP(rt, rng, [inChannels, outChannels]));
    const sizes = [2 * coordDim, ...Array<number>(mlpLayers).fill(hiddenSize), outChannels];
    const agno = this.child('agno', new AgnoParams(rt));
    this.kernel = agno.own(new LinearChannelMLP(rt, rng, sizes));
    this.geoembed = this.child('geoembed', new GeometricEmbedding(rt, rng, coordDim, outChannels));
    this.recovery = this.child('recovery', new ChannelMLP(rt, rng, [2 * outChannels, outChannels]));
  }

  /** f [batch, n, in] -> [batch, m, out]. */
  forward({ y, x, f, neighbors: nb }: MAGNOEncoderInputs): Tensor {
    this.check(y, x, f, nb);
    const toPoints = (t: Tensor) => permute(t, [0, 2, 1]); // [B, C, N] <-> [B, N, C]
    const lifted = toPoints(this.lifting.forward(toPoints(f))); // [B, n, out]
    const yE = gatherRows(y, nb.byPoint);
    const xE = gatherRows(x, nb.byQuery);
    const unit = (v: Tensor) => div(v, sqrt(addScalar(sum(square(v), -1, true), 1e-24)));
    const attn = segmentSoftmax(sum(mul(unit(xE), unit(yE)), -1, true), nb.byQuery); // [nnz, 1]
    const k = mul(this.kernel.forward(concat([yE, xE], -1)), attn); // [nnz, out]
    const encoded = segmentSum(gatherRows(lifted, nb.byPoint), nb.byQuery, {
      times: broadcastTo(k, [f.shape[0], ...k.shape]),
    });
    const geo = this.geoembed.forward(y, x, nb); // [m, out]
    const both = concat([encoded, broadcastTo(geo, encoded.shape)], -1);
    return toPoints(this.recovery.forward(toPoints(both)));
  }

  private check(y: Tensor, x: Tensor, f: Tensor, nb: Neighborhoods): void {
    const d = this.coordDim;
    const bad = (msg: string) => new WgnoError('MAGNOEncoder', msg);
    if (y.shape.length !== 2 || y.shape[1] !== d || y.shape[0] !== nb.n)
      throw bad(
        `y ${fmtShape(y.shape)} must be [n, ${d}] with n = ${nb.n} (the neighbourhoods' points)`,
      );
    if (x.shape.length !== 2 || x.shape[1] !== d || x.shape[0] !== nb.m)
      throw bad(
        `x ${fmtShape(x.shape)} must be [m, ${d}] with m = ${nb.m} (the neighbourhoods' tokens)`,
      );
    if (f.shape.length !== 3 || f.shape[1] !== nb.n)
      throw bad(`f ${fmtShape(f.shape)} must be [batch, ${nb.n}, inChannels]`);
  }
}

/** The `agno` submodule: it only holds the kernel MLP, as `agno.channel_mlp`. */
class AgnoParams extends Module {
  own(mlp: LinearChannelMLP): LinearChannelMLP {
    return this.child('channel_mlp', mlp);
  }
}
