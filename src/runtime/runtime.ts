import { WgnoError } from '../errors';
import { acquireAdapter, requestDevice } from '../gpu/device';
import { Gpu, type InitOptions } from '../gpu/gpu';
import type { CompileOptions, Engine, TensorOptions } from '../graph/engine';
import { Step } from '../graph/executor';
import { plan, type Update, type UpdateSet } from '../graph/planner';
import { checkShape, numel, type Shape } from '../graph/shape';
import { Tensor, toF32 } from '../graph/tensor';
import '../ops/all';

/** Steps made by `evaluate` go away with the tensors they computed. */
const evaluated = new FinalizationRegistry<Step>((s) => s.destroy());

/** evaluate() requests of the current tick, per runtime, run as one step. */
const pending = new WeakMap<Runtime, { wanted: Set<Tensor>; done: Promise<void> }>();

const isUpdateSet = (u: Update | UpdateSet): u is UpdateSet => 'updates' in u;

/**
 * A WebGPU device (the Gpu it extends) plus the tensor engine on it: leaf tensors, compiled
 * Steps, and one-off evaluation. Get one with `await init()`.
 *
 * @example
 * const rt = await init();
 * const x = rt.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
 * const y = sum(gelu(x));
 * y.backward();
 * console.log(await x.grad!.read());
 * rt.destroy();
 */
export class Runtime extends Gpu implements Engine {
  /** A leaf tensor holding `data` (row-major; complex64 as interleaved re, im pairs). */
  tensor(data: ArrayLike<number>, shape: Shape, opts: TensorOptions = {}): Tensor {
    this.assertUsable('tensor');
    checkShape('tensor', 'shape', shape);
    const dtype = opts.dtype ?? 'f32';
    if (dtype !== 'f32' && dtype !== 'complex64')
      throw new WgnoError(
        'tensor',
        `dtype '${String(dtype)}' is not supported; use 'f32' or 'complex64' (index tensors: indexTensor())`,
      );
    const values = toF32('tensor', data, { shape, dtype });
    const buffer = this.createBuffer({
      label: opts.label ?? `tensor[${shape.join('x')}]`,
      size: Math.max(4, values.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.writeBuffer(buffer, values);
    return new Tensor(this, { shape, dtype }, null, [], null, opts.requiresGrad ?? false, buffer);
  }

  /** A zero-filled leaf. */
  zeros(shape: Shape, opts: TensorOptions = {}): Tensor {
    const n = numel(shape) * (opts.dtype === 'complex64' ? 2 : 1);
    return this.tensor(new Float32Array(n), shape, opts);
  }

  /**
   * Plan and allocate a replayable step: forward, backward and updates in one command encoder.
   * See Step.run().
   */
  async compile(opts: CompileOptions): Promise<Step> {
    this.assertUsable('compile');
    const all = opts.updates ?? [];
    const sets = all.filter(isUpdateSet);
    const updates = all.flatMap((u) => (isUpdateSet(u) ? u.updates() : [u]));
    const hooks = sets.flatMap((s) => (s.beforeRun ? [() => s.beforeRun!()] : []));
    this.device.pushErrorScope('validation');
    const step = await Step.create(
      this,
      plan(opts.outputs, updates, this.target),
      opts.label ?? 'step',
      hooks,
    );
    const err = await this.device.popErrorScope();
    if (err) {
      step.destroy();
      throw new WgnoError('compile', `WebGPU rejected the planned step: ${err.message}`);
    }
    return step;
  }

  /**
   * Compute `outputs` once with one step shared by all of them, so reading many tensors of one
   * graph plans and runs the graph once. `t.read()` calls this for a tensor no step has computed
   * (with the other gradients of the same `backward()`, see Tensor.read); requests made in the
   * same tick (`Promise.all(ts.map((t) => t.read()))`) are merged into one step. Values are those
   * of the leaves when the step runs, at the end of the current tick.
   *
   * @example
   * loss.backward();
   * await rt.evaluate(params.map((p) => p.grad!)); // one plan, one run
   * const grads = await Promise.all(params.map((p) => p.grad!.read())); // no re-run
   */
  evaluate(outputs: readonly Tensor[]): Promise<void> {
    let batch = pending.get(this);
    if (!batch) {
      const wanted = new Set<Tensor>();
      const done = Promise.resolve().then(async () => {
        pending.delete(this);
        const live = [...wanted].filter((t) => !t.isDestroyed);
        const step = await this.compile({ outputs: live, label: 'evaluate' });
        for (const t of live) evaluated.register(t, step);
        step.run();
      });
      batch = { wanted, done };
      pending.set(this, batch);
    }
    for (const t of outputs) batch.wanted.add(t);
    return batch.done;
  }
}

/** Acquire a WebGPU device (browser or Node) and return a Runtime. */
export async function init(opts: InitOptions = {}): Promise<Runtime> {
  if (opts.kernels !== undefined && !['auto', 'lane', 'workgroup'].includes(opts.kernels))
    throw new WgnoError(
      'init',
      `kernels '${String(opts.kernels)}' is invalid; use 'auto', 'lane' or 'workgroup'`,
    );
  const { adapter, keepAlive } = await acquireAdapter(opts);
  const device = await requestDevice(adapter, 'wgno');
  return new Runtime(device, adapter.info, keepAlive, opts);
}
export type { InitOptions, RuntimeStats } from '../gpu/gpu';
export type { CompileOptions } from '../graph/engine';
