/**
 * The one replayable step a Trainer compiles per batch shape, for training (loss, backward,
 * optimizer) or evaluation (per-step relative L2 sums), and how a batch is fed to it: host data
 * gathered into staging arrays and written into leaves made once.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Step } from '../graph/executor';
import { accumulateUpdate } from '../graph/in_place';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { concat } from '../ops/concat';
import { reshape } from '../ops/layout';
import type { Runtime } from '../runtime/runtime';
import { gather, type HostArray } from './data';
import { lpLoss } from './losses';
import type { Optimizer } from './optim_base';
import { rolloutPairs } from './rollout';
import type { EvaluationOptions } from './trainer_options';

/** A compiled step with its input leaves, their host staging arrays and its accumulator. */
export interface CompiledStep {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly xHost: Float32Array;
  readonly yHost: Float32Array;
  readonly step: Step;
  readonly acc: Tensor;
}

/** What one step is compiled for. */
export interface StepSpec {
  /** Batch size. */
  readonly size: number;
  /** The datasets whose trailing shapes the leaves take. */
  readonly xs: HostArray;
  readonly ys: HostArray;
  /** Training: the optimizer whose updates end the step; null: an evaluation step. */
  readonly optimizer: Optimizer | null;
  /** The accumulator to add into (training steps share one); null: make one. */
  readonly acc: Tensor | null;
}

/**
 * One replayable step for batches of `spec.size`: leaves for x and y, the graph (with the rollout
 * unrolled), and an accumulator the step adds its loss (training) or per-step relative L2 sums
 * (evaluation) into. `leaf` makes the leaves (the caller owns and destroys them).
 */
export async function compileStep(
  rt: Runtime,
  opts: EvaluationOptions,
  spec: StepSpec,
  leaf: (shape: readonly number[], label: string) => Tensor,
): Promise<CompiledStep> {
  const { size, xs, ys, optimizer } = spec;
  const x = leaf([size, ...xs.shape.slice(1)], 'trainer.x');
  const y = leaf([size, ...ys.shape.slice(1)], 'trainer.y');
  const pairs = rolloutPairs(opts.model, x, y, opts.rollout);
  const layout = opts.layout;
  let value: Tensor;
  if (optimizer) {
    const lossFn = opts.loss ?? ((p: Tensor, t: Tensor) => lpLoss(p, t, { layout }));
    value = pairs.map(([p, t]) => lossFn(p, t)).reduce((a, b) => add(a, b));
    if (value.size !== 1)
      throw new WgnoError(
        'Trainer',
        `the loss must be a single value, got ${fmtShape(value.shape)}`,
      );
    value.backward();
  } else {
    const errs = pairs.map(([p, t]) => reshape(lpLoss(p, t, { layout, reduction: 'sum' }), [1]));
    value = errs.length === 1 ? errs[0] : concat(errs, 0);
  }
  const acc = spec.acc ?? leaf([value.size], 'trainer.acc');
  const step = await rt.compile({
    outputs: [value],
    updates: [accumulateUpdate(acc, value), ...(optimizer ? [optimizer] : [])],
    label: `trainer.${optimizer ? 'train' : 'eval'}[${size}]`,
  });
  const [xHost, yHost] = [new Float32Array(x.size), new Float32Array(y.size)];
  return { x, y, xHost, yHost, step, acc };
}

/** Write samples order[start .. start + size) of the datasets into the step's leaves and run it. */
export function runOnBatch(
  c: CompiledStep,
  inputs: HostArray,
  targets: HostArray,
  order: Uint32Array,
  start: number,
  size: number,
): void {
  c.x.write(gather(inputs, order, start, size, c.xHost));
  c.y.write(gather(targets, order, start, size, c.yHost));
  c.step.run();
}
