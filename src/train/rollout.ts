/**
 * The graph a training or evaluation step computes: the model applied once, or rolled out
 * autoregressively as in the FNO paper (time is the channel axis: the window drops its oldest
 * step and appends each prediction), paired with the targets.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { concat } from '../ops/concat';
import { slice } from '../ops/pad';
import type { RolloutConfig, TrainableModel } from './trainer_options';

/** (prediction, target) pairs: one forward, or the autoregressive rollout of the FNO paper. */
export function rolloutPairs(
  model: TrainableModel,
  x: Tensor,
  y: Tensor,
  r: RolloutConfig | undefined,
): [Tensor, Tensor][] {
  if (!r) return [[checkedForward(model, x, y.shape, false), y]];
  const out: [Tensor, Tensor][] = [];
  let window = x;
  for (let t = 0; t < r.tOut; t++) {
    const target = slice(y, 1, t, t + 1);
    const pred = checkedForward(model, window, target.shape, true);
    out.push([pred, target]);
    if (t + 1 < r.tOut) window = shiftWindow(window, pred);
  }
  return out;
}

/**
 * The input window of the next rollout step: window [B, T, ...] (time is the channel axis, oldest
 * first) with its oldest step dropped and `next` [B, 1, ...] appended.
 */
export function shiftWindow(window: Tensor, next: Tensor): Tensor {
  const t = window.shape[1];
  return t > 1 ? concat([slice(window, 1, 1, t), next], 1) : next;
}

/** model.forward(x), with errors that say the Trainer fed it and what shape it had to give. */
function checkedForward(
  model: TrainableModel,
  x: Tensor,
  want: readonly number[],
  rollout: boolean,
): Tensor {
  let pred: Tensor;
  try {
    pred = model.forward(x);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new WgnoError(
      'Trainer',
      `the model rejected a batch of inputs ${fmtShape(x.shape)}: ${msg}`,
    );
  }
  if (pred.shape.join() !== want.join())
    throw new WgnoError(
      'Trainer',
      `the model maps inputs ${fmtShape(x.shape)} to ${fmtShape(pred.shape)} but the targets are ${fmtShape(want)}${rollout ? ' (a rollout step predicts one channel)' : ''}`,
    );
  return pred;
}
