/**
 * Trainer.evaluate's side: the mean relative L2 (neuraloperator's LpLoss per sample and channel)
 * over a dataset, with forward-only steps compiled once per batch shape and replayed; nothing is
 * updated and the sums are read back once at the end.
 */
import type { Tensor } from '../graph/tensor';
import type { Runtime } from '../runtime/runtime';
import { Batcher, checkDataset, type HostArray } from './data';
import { compileStep, runOnBatch, type CompiledStep } from './trainer_step';
import type { EvalResult, EvaluationOptions } from './trainer_options';

/** The evaluation steps of one Trainer, kept across evaluate() calls; destroy() frees them. */
export class Evaluator {
  private readonly steps = new Map<string, CompiledStep>();
  private readonly owned: Tensor[] = [];

  constructor(
    private readonly rt: Runtime,
    private readonly opts: EvaluationOptions,
  ) {}

  /** See Trainer.evaluate. */
  async evaluate(inputs: HostArray, targets: HostArray, batchSize: number): Promise<EvalResult> {
    const { n, yShape } = checkDataset('Trainer.evaluate', inputs, targets);
    const b = new Batcher(n, batchSize, { dropLast: false, shuffle: false }, 0);
    const order = b.epochOrder(0);
    const used: CompiledStep[] = [];
    for (let s = 0; s < b.stepsPerEpoch; s++) {
      const size = b.sizeOf(s);
      const c = await this.stepFor(size, inputs, targets);
      if (!used.includes(c)) {
        c.acc.write(new Float32Array(c.acc.size));
        used.push(c);
      }
      runOnBatch(c, inputs, targets, order, s * b.batchSize, size);
    }
    const sums = new Float64Array(used[0].acc.size);
    for (const c of used) (await c.acc.read()).forEach((v, i) => (sums[i] += v));
    const channels = yShape[this.opts.layout === 'channels-last' ? yShape.length - 1 : 0];
    if (!this.opts.rollout) return { relL2: sums[0] / (n * channels) };
    const perStep = Array.from(sums, (v) => v / n);
    return { relL2: perStep.reduce((a, v) => a + v, 0) / perStep.length, perStep };
  }

  destroy(): void {
    for (const c of this.steps.values()) c.step.destroy();
    for (const t of this.owned) t.destroy();
  }

  /** The step for this batch size and these sample shapes, compiled on first use. */
  private async stepFor(size: number, xs: HostArray, ys: HostArray): Promise<CompiledStep> {
    const key = `${size}:${xs.shape.slice(1).join()}:${ys.shape.slice(1).join()}`;
    let c = this.steps.get(key);
    if (!c) {
      const leaf = (shape: readonly number[], label: string) => {
        const t = this.rt.zeros(shape, { label });
        this.owned.push(t);
        return t;
      };
      const spec = { size, xs, ys, optimizer: null, acc: null };
      this.steps.set(key, (c = await compileStep(this.rt, this.opts, spec, leaf)));
    }
    return c;
  }
}
