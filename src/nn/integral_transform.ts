/**
 * neuraloperator's IntegralTransform (the GNO layer) and the LinearChannelMLP that parametrises
 * its kernel, with neuraloperator 2.x state_dict names (`channel_mlp.fcs.{k}.weight` (out, in),
 * `channel_mlp.fcs.{k}.bias` (out,)). For each query point x with neighbours y_j (CSR, see
 * geometry/relations.ts), with k an MLP on [y_j, x] (neighbour first) plus f(y_j) for the
 * nonlinear forms:
 *   'linear_kernelonly':    sum_j k(y_j, x)
 *   'linear':               sum_j k(y_j, x) * f(y_j)
 *   'nonlinear_kernelonly': sum_j k(y_j, x, f(y_j))
 *   'nonlinear':            sum_j k(y_j, x, f(y_j)) * f(y_j)
 * The product is elementwise over channels; 'mean' divides by the neighbour count (an empty
 * neighbourhood gives 0). Layout is point-major, as in neuraloperator: points [n, d], f [n, c].
 */
import { WgnoError, fmtShape } from '../errors';
import { sameShape } from '../graph/shape';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { mul } from '../ops/binary';
import { concat } from '../ops/concat';
import type { Neighborhoods } from '../geometry/relations';
import { gatherRows } from '../ops/gather_rows';
import { broadcastTo, reshape } from '../ops/layout';
import { matmul } from '../ops/matmul';
import { segmentMean, segmentSum } from '../ops/segment_sum';
import { gelu } from '../ops/unary';
import { Rng } from '../random';
import { Module, uniformInit } from './module';

/**
 * The kernel integral's form, over each query x's neighbours y: 'linear' (default): sum of k(y, x) f(y); 'linear_kernelonly': sum of k(y, x);
 * 'nonlinear': sum of k(y, x, f(y)) f(y); 'nonlinear_kernelonly': sum of k(y, x, f(y)).
 */
export type TransformType = 'linear_kernelonly' | 'linear' | 'nonlinear_kernelonly' | 'nonlinear';
const TRANSFORM_TYPES: readonly TransformType[] = [
  'linear_kernelonly',
  'linear',
  'nonlinear_kernelonly',
  'nonlinear',
];

/**
 * neuraloperator's LinearChannelMLP: nn.Linear layers over the last axis with GELU (exact erf
 * form) between them. x [rows, layers[0]] -> [rows, layers[last]].
 */
export class LinearChannelMLP extends Module {
  private readonly fcs: { w: Tensor; b: Tensor }[] = [];

  constructor(
    rt: Runtime,
    rng: Rng,
    /** Sizes [in, hidden..., out]. */
    readonly layers: readonly number[],
  ) {
    super(rt);
    if (layers.length < 2 || layers.some((d) => !Number.isInteger(d) || d < 1))
      throw new WgnoError(
        'LinearChannelMLP',
        `layers [${layers.join(', ')}] must list at least 2 positive integer sizes (in, ..., out)`,
      );
    for (let k = 0; k + 1 < layers.length; k++) {
      const [cin, cout] = [layers[k], layers[k + 1]];
      const w = this.param(`fcs.${k}.weight`, uniformInit(rng, cout * cin, cin), [cout, cin]);
      const b = this.param(`fcs.${k}.bias`, uniformInit(rng, cout, cin), [cout]);
      this.fcs.push({ w, b });
    }
  }

  /** x [rows, layers[0]] -> [rows, layers[last]]. */
  forward(x: Tensor): Tensor {
    this.fcs.forEach(({ w, b }, k) => {
      x = matmul(x, w, { transB: true, bias: b });
      if (k + 1 < this.fcs.length) x = gelu(x);
    });
    return x;
  }
}

/** neuraloperator's IntegralTransform arguments in camelCase, with the same defaults. */
export interface IntegralTransformConfig {
  /** Kernel MLP sizes [in, hidden..., out]; in = dim(y) + dim(x) (+ dim(f) for nonlinear forms). */
  channelMlpLayers: readonly number[];
  /** The kernel's form (see TransformType). Default 'linear'. */
  transformType?: TransformType;
  /** How each query's neighbour terms are combined. Default 'sum'. */
  reduction?: 'sum' | 'mean';
  /** Seed of the parameter initialisation (wgno only). */
  seed?: number;
}

/** What `IntegralTransform.forward` takes: points, neighbourhoods, function, edge weights. */
export interface IntegralTransformInputs {
  /** Data points [n, d1]. */
  y: Tensor;
  /** Neighbourhoods of the queries among the data points (geometry/relations.ts `neighborhoods`). */
  neighbors: Neighborhoods;
  /** Query points [m, d2]; default y (then m = n). */
  x?: Tensor;
  /** The function on the data points, [n, c] or [batch, n, c]; without it, k alone. */
  fY?: Tensor;
  /** Per-edge weights [nnz] (quadrature); when given the reduction is always 'sum'. */
  weights?: Tensor;
}

/**
 * The GNO kernel integral of neuraloperator 2.x. f_y may carry a batch axis ([batch, n, c]; the
 * points and neighbourhoods are shared by the batch, and the output is [batch, m, d4]). A
 * per-edge `weights` tensor is neuraloperator's `neighbors['weights']` / `weights`; its
 * `weighting_fn` is not supported.
 *
 * @example
 * const gno = new IntegralTransform(rt, { channelMlpLayers: [4, 16, 3], transformType: 'linear' });
 * const nb = neighborhoods(rt, { rowSplits, index, nPoints: 12 });
 * const out = gno.forward({ y, x, fY, neighbors: nb }); // y [12, 2], x [m, 2], fY [12, 3]: [m, 3]
 */
export class IntegralTransform extends Module {
  /** The kernel's form. */
  readonly transformType: TransformType;
  /** How neighbour terms are combined. */
  readonly reduction: 'sum' | 'mean';
  /** The kernel MLP k (parameters under `channel_mlp.`). */
  readonly channelMlp: LinearChannelMLP;

  constructor(rt: Runtime, config: IntegralTransformConfig) {
    super(rt);
    this.transformType = config.transformType ?? 'linear';
    this.reduction = config.reduction ?? 'sum';
    if (!TRANSFORM_TYPES.includes(this.transformType))
      throw new WgnoError(
        'IntegralTransform',
        `transformType '${String(this.transformType)}' is invalid; use one of ${TRANSFORM_TYPES.join(', ')}`,
      );
    if (this.reduction !== 'sum' && this.reduction !== 'mean')
      throw new WgnoError(
        'IntegralTransform',
        `reduction '${String(this.reduction)}' is invalid; use 'sum' or 'mean'`,
      );
    const rng = new Rng(config.seed ?? 0);
    this.channelMlp = this.child(
      'channel_mlp',
      new LinearChannelMLP(rt, rng, config.channelMlpLayers),
    );
  }

  /** out [m, d4] ([batch, m, d4] for a batched fY), d4 = the kernel MLP's output size. */
  forward({ y, neighbors: nb, x = y, fY, weights }: IntegralTransformInputs): Tensor {
    this.check(y, nb, x, fY, weights);
    const fOnEdges = fY ? gatherRows(fY, nb.byPoint) : null; // [(batch,) nnz, c]
    let agg = concat([gatherRows(y, nb.byPoint), gatherRows(x, nb.byQuery)], -1);
    if (fOnEdges && this.transformType.startsWith('nonlinear')) {
      // A batched f repeats the (unbatched) point features for every batch entry.
      const lead = fOnEdges.shape.slice(0, -2);
      agg = concat([broadcastTo(agg, [...lead, ...agg.shape]), fOnEdges], -1);
    }
    let k = this.channelMlp.forward(agg); // [(batch,) nnz, d4]
    // As neuraloperator: f multiplies unless the type is nonlinear_kernelonly, so a
    // 'linear_kernelonly' layer given f computes the 'linear' transform.
    let times = fOnEdges && this.transformType !== 'nonlinear_kernelonly' ? fOnEdges : undefined;
    if (times && (weights || !sameShape(times.shape, k.shape))) {
      k = mul(k, times); // broadcast (a batched f with an unbatched kernel), or weighted below
      times = undefined;
    }
    if (weights) return segmentSum(mul(k, reshape(weights, [nb.nnz, 1])), nb.byQuery);
    // The product with f(y_j) is taken inside the segment reduction (never stored).
    const reduce = this.reduction === 'mean' ? segmentMean : segmentSum;
    return reduce(k, nb.byQuery, { times });
  }

  private check(y: Tensor, nb: Neighborhoods, x: Tensor, fY?: Tensor, weights?: Tensor): void {
    const fail = (msg: string): never => {
      throw new WgnoError('IntegralTransform', msg);
    };
    const layers = this.channelMlp.layers;
    if (y.shape.length !== 2 || y.shape[0] !== nb.n)
      fail(`y ${fmtShape(y.shape)} must be [n, d] with n = ${nb.n} (the neighbourhoods' points)`);
    if (x.shape.length !== 2 || x.shape[0] !== nb.m)
      fail(`x ${fmtShape(x.shape)} must be [m, d] with m = ${nb.m} (the neighbourhoods' queries)`);
    if (fY && ((fY.shape.length !== 2 && fY.shape.length !== 3) || fY.shape.at(-2) !== nb.n))
      fail(`fY ${fmtShape(fY.shape)} must be [n, c] or [batch, n, c] with n = ${nb.n}`);
    if (weights && (weights.shape.length !== 1 || weights.shape[0] !== nb.nnz))
      fail(`weights ${fmtShape(weights.shape)} must be [nnz] = [${nb.nnz}], one per edge`);
    const c = fY ? fY.shape[fY.shape.length - 1] : 0;
    const kin = y.shape[1] + x.shape[1] + (this.transformType.startsWith('nonlinear') ? c : 0);
    if (layers[0] !== kin)
      fail(
        `the kernel MLP takes ${layers[0]} inputs but [y_j, x${c && kin > y.shape[1] + x.shape[1] ? ', f(y_j)' : ''}] has ${kin} (y ${fmtShape(y.shape)}, x ${fmtShape(x.shape)}${fY ? `, fY ${fmtShape(fY.shape)}` : ''})`,
      );
    const kout = layers[layers.length - 1];
    if (fY && this.transformType !== 'nonlinear_kernelonly' && kout !== c)
      fail(
        `the kernel MLP outputs ${kout} channels but multiplies f(y_j) with ${c}; they must be equal`,
      );
  }
}
