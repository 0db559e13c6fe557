/**
 * Physics-informed DeepONet losses (Wang, Wang & Perdikaris 2021; DeepXDE's
 * examples/operator/diff_rec_aligned_pideeponet.py): the network is trained on the residual of
 * the PDE at collocation points, with no solution data. The derivatives of the output w.r.t. the
 * trunk's coordinates come from `grad` (second order for u_xx), and the parameter gradient of the
 * loss from `backward` through them.
 */
import type { Tensor } from '../graph/tensor';
import { grad } from '../graph/autodiff';
import { add, mul, sub } from '../ops/binary';
import { reshape } from '../ops/layout';
import { slice } from '../ops/pad';
import { mean, sum } from '../ops/reduce';
import { affine, square } from '../ops/unary';
import type { DeepONetCartesianProd } from './deeponet';

/** Inputs and settings of `diffusionReactionLoss`. */
export interface DiffusionReactionLossInputs {
  /** Forcings at the branch's sensors, [B, m]. */
  v: Tensor;
  /** Collocation points (x, t) per function, [B * N, 2], created with requiresGrad. */
  xt: Tensor;
  /** v at each collocation point's x, [B * N, 1]. */
  f: Tensor;
  /** Boundary points (x in {0, 1}), [Nb, 2], shared by every function (soft constraints). */
  boundary?: Tensor;
  /** Initial points (t = 0), [Ni, 2], shared by every function (soft constraints). */
  initial?: Tensor;
  /** Diffusivity (default 0.01). */
  D?: number;
  /** Reaction rate (default 0.01). */
  k?: number;
  /**
   * 'soft' (DeepXDE's example): mean squared u at the boundary and initial points are loss
   * terms. 'hard': u = x (1 - x) t net(v, x, t) meets them exactly and those terms are absent.
   */
  constraints?: 'soft' | 'hard';
}

/** The graph of `diffusionReactionLoss`. */
export interface DiffusionReactionLoss {
  /** The scalar loss: residual MSE (+ boundary and initial MSE with soft constraints). */
  loss: Tensor;
  /** Mean squared PDE residual. */
  residual: Tensor;
  /** u at the collocation points, [B * N, 1]. */
  u: Tensor;
}

/** x (1 - x) t of each row of xt [rows, 2]: zero where the hard constraints hold. */
function hardFactor(xt: Tensor): Tensor {
  const [x, t] = [slice(xt, 1, 0, 1), slice(xt, 1, 1, 2)];
  return mul(mul(x, affine(x, -1, 1)), t);
}

/**
 * u of every function at its own points, [B * N, 1], with the hard-constraint factor when asked:
 * the field a physics-informed loss differentiates.
 *
 * @example
 * const u = deepONetField(net, v, xt, 'hard'); // u = x (1 - x) t net(v, x, t)
 */
export function deepONetField(
  net: DeepONetCartesianProd,
  v: Tensor,
  xt: Tensor,
  constraints: 'soft' | 'hard' = 'soft',
): Tensor {
  const u = reshape(net.forwardPerFunction(v, xt), [xt.shape[0], 1]);
  return constraints === 'hard' ? mul(u, hardFactor(xt)) : u;
}

/**
 * The physics-informed loss of u_t - D u_xx + k u^2 = v(x) on [0, 1]^2, u = 0 at t = 0, x = 0,
 * x = 1: u_t and u_x by `grad` of the summed field w.r.t. xt (each row is its own function's
 * point, so the sum's gradient is each output's derivative), u_xx by `grad` of u_x. Call
 * `loss.backward()` and compile with an optimizer to train.
 *
 * @example
 * const xt = rt.tensor(points, [B * N, 2], { requiresGrad: true });
 * const { loss } = diffusionReactionLoss(net, { v, xt, f, constraints: 'hard' });
 * loss.backward();
 * const step = await rt.compile({ outputs: [loss], updates: [new Adam(net.namedParameters())] });
 */
export function diffusionReactionLoss(
  net: DeepONetCartesianProd,
  inputs: DiffusionReactionLossInputs,
): DiffusionReactionLoss {
  const { v, xt, f, D = 0.01, k = 0.01, constraints = 'soft' } = inputs;
  const u = deepONetField(net, v, xt, constraints);
  const [du] = grad(sum(u), [xt]);
  const [ux, ut] = [slice(du, 1, 0, 1), slice(du, 1, 1, 2)];
  const uxx = slice(grad(sum(ux), [xt])[0], 1, 0, 1);
  const r = sub(add(sub(ut, affine(uxx, D, 0)), affine(square(u), k, 0)), f);
  const residual = mean(square(r));
  let loss = residual;
  if (constraints === 'soft')
    for (const pts of [inputs.boundary, inputs.initial])
      if (pts) loss = add(loss, mean(square(net.forward(v, pts))));
  return { loss, residual, u };
}
