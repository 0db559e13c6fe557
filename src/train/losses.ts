import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { div, sub, add, mul } from '../ops/binary';
import { concat } from '../ops/concat';
import { slice } from '../ops/pad';
import { mean, sum } from '../ops/reduce';
import { addScalar, mulScalar, powScalar, sqrt, square } from '../ops/unary';
import { requireFinite } from '../ops/elementwise';

/**
 * Where the channel axis is. 'channels-first' [B, C, ...spatial]: FNO fields (the default).
 * 'channels-last' [B, ...spatial, C]: point-major outputs such as GNO/GINO's [B, points, C].
 */
export type LossLayout = 'channels-first' | 'channels-last';

/** Options of lpLoss and h1Loss. */
export interface LossOptions {
  /**
   * Number of spatial axes: the last d axes ('channels-first', as neuraloperator's `d`) or the d
   * axes just before the channel axis ('channels-last'). Default: every axis but batch and channel.
   */
  d?: number;
  /**
   * Default 'channels-first'. A point cloud [B, points, C] needs 'channels-last': read as
   * channels-first its "spatial" axis would be the channels, a relative error per point.
   */
  layout?: LossLayout;
  /** 'sum' (neuraloperator's default for training) or 'mean' over batch and channel. */
  reduction?: 'sum' | 'mean';
}

function sameShape(op: string, pred: Tensor, target: Tensor): void {
  if (pred.shape.join() !== target.shape.join())
    throw new WgnoError(
      op,
      `prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} must have the same shape`,
    );
}

/** The spatial axes the norms run over; a WgnoError if they hold one value per (batch, channel). */
function spatialAxes(op: string, pred: Tensor, target: Tensor, opts: LossOptions): number[] {
  sameShape(op, pred, target);
  const { shape } = pred;
  const layout = opts.layout ?? 'channels-first';
  if (layout !== 'channels-first' && layout !== 'channels-last')
    throw new WgnoError(
      op,
      `layout '${String(layout)}' is invalid; use 'channels-first' or 'channels-last'`,
    );
  const end = layout === 'channels-last' ? shape.length - 1 : shape.length;
  const d = opts.d ?? shape.length - 2;
  if (!Number.isInteger(d) || d < 1 || d > end)
    throw new WgnoError(
      op,
      `d = ${opts.d ?? d} spatial axes is not valid for shape ${fmtShape(shape)} (${layout}); use 1..${end}`,
    );
  const axes = Array.from({ length: d }, (_, i) => end - d + i);
  if (axes.every((a) => shape[a] === 1)) {
    const fix =
      layout === 'channels-first'
        ? "for point-cloud outputs [batch, points, channels] pass layout 'channels-last'"
        : 'check d and the layout';
    throw new WgnoError(
      op,
      `the spatial axes [${axes.join(', ')}] of ${fmtShape(shape)} (${layout}) hold one value per (batch, channel), so the relative error would be per element; ${fix}`,
    );
  }
  return axes;
}

const reduce = (x: Tensor, r: 'sum' | 'mean' | undefined) => (r === 'mean' ? mean(x) : sum(x));

/** sum over `axes` of |x|^p, as (x^2)^(p/2) so that every p >= 1 has a gradient built from ops. */
function powSum(x: Tensor, p: number, axes: number[]): Tensor {
  return sum(p === 2 ? square(x) : powScalar(square(x), p / 2), axes);
}

/**
 * neuraloperator's relative LpLoss: for every (batch, channel), ||pred - target||_p / ||target||_p
 * over the spatial axes, then summed (default) or averaged.
 *
 * @example
 * const loss = lpLoss(model.forward(x), y);           // relative L2, reduction 'sum'
 * lpLoss(gno.forward(inp), y, { layout: 'channels-last' }); // [B, points, C]: norms over points
 */
export function lpLoss(
  pred: Tensor,
  target: Tensor,
  opts: LossOptions & { p?: number } = {},
): Tensor {
  const p = opts.p ?? 2;
  requireFinite('lp_loss', 'p', p);
  if (p < 1) throw new WgnoError('lp_loss', `p must be >= 1, got ${p}`);
  const axes = spatialAxes('lp_loss', pred, target, opts);
  const root = (x: Tensor) => (p === 2 ? sqrt(x) : powScalar(x, 1 / p));
  // neuraloperator adds eps = 1e-8 to the target norm (a zero target gives a finite loss).
  const rel = div(
    root(powSum(sub(pred, target), p, axes)),
    addScalar(root(powSum(target, p, axes)), 1e-8),
  );
  return reduce(rel, opts.reduction);
}

/** Periodic central difference (u[i+1] - u[i-1]) / (2h) along `axis`, h = 1/N. */
export function centralDiff(u: Tensor, axis: number): Tensor {
  const n = u.shape[axis];
  if (n < 3)
    throw new WgnoError(
      'h1_loss',
      `a central difference needs at least 3 points along axis ${axis}; shape is ${fmtShape(u.shape)}`,
    );
  const next = concat([slice(u, axis, 1, n), slice(u, axis, 0, 1)], axis);
  const prev = concat([slice(u, axis, n - 1, n), slice(u, axis, 0, n - 1)], axis);
  return mulScalar(sub(next, prev), n / 2);
}

/**
 * neuraloperator's relative H1Loss on periodic grids: per (batch, channel),
 * sqrt(||e||^2 + sum_j ||D_j e||^2) / sqrt(||y||^2 + sum_j ||D_j y||^2) with e = pred - target and
 * D_j the central difference along spatial axis j; then summed or averaged.
 */
export function h1Loss(pred: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const axes = spatialAxes('h1_loss', pred, target, opts);
  const e = sub(pred, target);
  let num = sum(square(e), axes);
  let den = sum(square(target), axes);
  for (const a of axes) {
    num = add(num, sum(square(centralDiff(e, a)), axes));
    den = add(den, sum(square(centralDiff(target, a)), axes));
  }
  return reduce(sqrt(div(num, den)), opts.reduction);
}

/** Mean squared error, for completeness: mean((pred - target)^2). */
export function mseLoss(pred: Tensor, target: Tensor): Tensor {
  sameShape('mse_loss', pred, target);
  const e = sub(pred, target);
  return mean(mul(e, e));
}
