import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { div, sub, add, mul } from '../ops/binary';
import { concat } from '../ops/concat';
import { slice } from '../ops/pad';
import { mean, sum } from '../ops/reduce';
import { addScalar, mulScalar, powScalar, sqrt, square } from '../ops/unary';
import { requireFinite } from '../ops/elementwise';

export interface LossOptions {
  /** Number of trailing spatial axes (default: all axes after batch and channel). */
  d?: number;
  /** 'sum' (neuraloperator's default for training) or 'mean' over batch and channel. */
  reduction?: 'sum' | 'mean';
}

function spatialAxes(op: string, pred: Tensor, target: Tensor, d?: number): number[] {
  if (pred.shape.join() !== target.shape.join()) {
    throw new WgnoError(
      op,
      `prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} must have the same shape`,
    );
  }
  const rank = pred.shape.length;
  const dd = d ?? rank - 2;
  if (!Number.isInteger(dd) || dd < 1 || dd > rank) {
    throw new WgnoError(
      op,
      `d = ${d} spatial axes is not valid for shape ${fmtShape(pred.shape)}; use 1..${rank}`,
    );
  }
  return Array.from({ length: dd }, (_, i) => rank - dd + i);
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
 */
export function lpLoss(
  pred: Tensor,
  target: Tensor,
  opts: LossOptions & { p?: number } = {},
): Tensor {
  const p = opts.p ?? 2;
  requireFinite('lp_loss', 'p', p);
  if (p < 1) throw new WgnoError('lp_loss', `p must be >= 1, got ${p}`);
  const axes = spatialAxes('lp_loss', pred, target, opts.d);
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
  const axes = spatialAxes('h1_loss', pred, target, opts.d);
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
  spatialAxes('mse_loss', pred, target, pred.shape.length);
  const e = sub(pred, target);
  return mean(mul(e, e));
}
