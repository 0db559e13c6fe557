import { DeviceLostError, WgnoError } from '../errors';
import { backward } from '../graph/autodiff';
import { Step } from '../graph/executor';
import { plan, type Update } from '../graph/planner';
import { checkShape, type DType, type Shape } from '../graph/shape';
import { Tensor, toF32 } from '../graph/tensor';
import type { Optimizer } from '../train/optim';
import { acquireAdapter, requestDevice, type AcquireOptions } from './device';
import { bindGroupLayoutEntries, describeCompileError, type KernelDef } from './kernel';
import { chooseTarget, type KernelStyle, type Target } from './target';

export interface InitOptions extends AcquireOptions {
  /** Called once if the device is lost; the Runtime is unusable afterwards (call init() again). */
  onDeviceLost?: (info: { reason: string; message: string }) => void;
  /**
   * Kernel lowering (src/gpu/target.ts): 'auto' (default) uses 'lane' kernels (independent
   * invocations, no workgroup memory) on CPU adapters such as SwiftShader and 'workgroup' kernels
   * (shared tiles and FFT lines) on GPUs. Results agree to rounding either way.
   */
  kernels?: KernelStyle | 'auto';
}

/** Counters for tests and benchmarks: replaying a step must not move the creation counters. */
export interface RuntimeStats {
  buffersCreated: number;
  bindGroupsCreated: number;
  pipelinesCreated: number;
  submits: number;
  dispatches: number;
}

export interface CompileOptions {
  /** Tensors whose values the step computes and keeps readable after each run. */
  outputs: readonly Tensor[];
  /** In-place leaf updates recorded after the graph. */
  updates?: readonly Update[];
  /** An optimizer whose parameter updates end the step; each run advances its step count. */
  optimizer?: Optimizer;
  label?: string;
}

/**
 * A WebGPU device plus everything wgno caches on it. Get one with `await init()`.
 *
 * @example
 * const rt = await init();
 * const x = rt.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
 * const y = sum(gelu(x));
 * y.backward();
 * console.log(await x.grad!.read());
 * rt.destroy();
 */
export class Runtime {
  readonly stats: RuntimeStats = {
    buffersCreated: 0,
    bindGroupsCreated: 0,
    pipelinesCreated: 0,
    submits: 0,
    dispatches: 0,
  };
  /** Resolves when the device is lost (or destroyed). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  /** What plan-time lowering specialises on (kernel style); from the adapter and InitOptions. */
  readonly target: Target;
  private lostReason: string | null = null;
  private uncaptured: string | null = null;
  private readonly layouts = new Map<KernelDef, GPUPipelineLayout>();
  private readonly pipelines = new Map<KernelDef, Map<string, Promise<GPUComputePipeline>>>();
  private readonly steps = new Set<Step>();
  /** Steps made by `evaluate` for a tensor's read() go away with the tensor. */
  private readonly finalizer = new FinalizationRegistry<Step>((s) => {
    s.destroy();
    this.steps.delete(s);
  });

  constructor(
    readonly device: GPUDevice,
    readonly adapterInfo: GPUAdapterInfo,
    private keepAlive: unknown,
    opts: InitOptions,
  ) {
    this.target = chooseTarget(adapterInfo, opts.kernels);
    this.lost = device.lost.then((info) => {
      this.lostReason = info.message || info.reason;
      opts.onDeviceLost?.({ reason: String(info.reason), message: info.message });
      return info;
    });
    device.addEventListener('uncapturederror', (ev) => {
      const msg = (ev as GPUUncapturedErrorEvent).error.message;
      this.uncaptured ??= msg;
    });
  }

  /** True when the optional feature was granted (timestamp-query, shader-f16, subgroups). */
  hasFeature(f: GPUFeatureName): boolean {
    return this.device.features.has(f);
  }

  /** A leaf tensor holding `data` (row-major; complex64 as interleaved re, im pairs). */
  tensor(
    data: ArrayLike<number>,
    shape: Shape,
    opts: { requiresGrad?: boolean; dtype?: DType; label?: string } = {},
  ): Tensor {
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

  zeros(
    shape: Shape,
    opts: { requiresGrad?: boolean; dtype?: DType; label?: string } = {},
  ): Tensor {
    const n = shape.reduce((a, b) => a * b, 1) * (opts.dtype === 'complex64' ? 2 : 1);
    return this.tensor(new Float32Array(n), shape, opts);
  }

  /** Plan and allocate a replayable step; see Step.run(). */
  async compile(opts: CompileOptions): Promise<Step> {
    this.assertUsable('compile');
    this.device.pushErrorScope('validation');
    const updates = [...(opts.updates ?? []), ...(opts.optimizer?.updates() ?? [])];
    const hooks = opts.optimizer ? [() => opts.optimizer!.tick()] : [];
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
    this.steps.add(step);
    return step;
  }

  /** Compute tensors once (what `t.read()` uses for a tensor no step has computed). */
  async evaluate(outputs: readonly Tensor[]): Promise<void> {
    const step = await this.compile({ outputs, label: 'evaluate' });
    for (const t of outputs) this.finalizer.register(t, step);
    step.run();
  }

  /** Reverse-mode autodiff; see graph/autodiff.ts. */
  backward(loss: Tensor, seed?: Tensor): void {
    backward(loss, seed);
  }

  /** Copy `bytes` of a buffer to the CPU. */
  async readBuffer(buffer: GPUBuffer, bytes: number): Promise<Float32Array> {
    this.assertUsable('read');
    const staging = this.device.createBuffer({
      label: 'wgno readback',
      size: Math.max(4, bytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const enc = this.device.createCommandEncoder({ label: 'wgno readback' });
      enc.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
      this.device.queue.submit([enc.finish()]);
      await Promise.race([
        staging.mapAsync(GPUMapMode.READ),
        this.lost.then((i) => Promise.reject(new DeviceLostError(i.message || i.reason))),
      ]);
      this.throwUncaptured('read');
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }

  writeBuffer(buffer: GPUBuffer, data: Float32Array): void {
    this.assertUsable('write');
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  createBuffer(desc: GPUBufferDescriptor): GPUBuffer {
    const max = this.device.limits.maxBufferSize;
    if (desc.size > max)
      throw new WgnoError(
        'allocate',
        `${desc.label}: ${desc.size} bytes exceeds this device's maxBufferSize of ${max}`,
      );
    this.stats.buffersCreated++;
    return this.device.createBuffer(desc);
  }

  createBindGroup(desc: GPUBindGroupDescriptor): GPUBindGroup {
    this.stats.bindGroupsCreated++;
    return this.device.createBindGroup(desc);
  }

  submit(cmd: GPUCommandBuffer, dispatches: number): void {
    this.stats.submits++;
    this.stats.dispatches += dispatches;
    this.device.queue.submit([cmd]);
  }

  /** The compute pipeline of a kernel with given override constants, compiled once and cached. */
  pipeline(k: KernelDef, constants: Record<string, number>): Promise<GPUComputePipeline> {
    let byKey = this.pipelines.get(k);
    if (!byKey) this.pipelines.set(k, (byKey = new Map()));
    const key = JSON.stringify(constants);
    let p = byKey.get(key);
    if (!p) {
      p = this.createPipeline(k, constants);
      byKey.set(key, p);
    }
    return p;
  }

  private async createPipeline(
    k: KernelDef,
    constants: Record<string, number>,
  ): Promise<GPUComputePipeline> {
    let layout = this.layouts.get(k);
    if (!layout) {
      const bgl = this.device.createBindGroupLayout({
        label: `${k.name} bindings`,
        entries: bindGroupLayoutEntries(k),
      });
      layout = this.device.createPipelineLayout({
        label: `${k.name} layout`,
        bindGroupLayouts: [bgl],
      });
      this.layouts.set(k, layout);
    }
    const module = this.device.createShaderModule({
      label: `kernels/${k.name}.wgsl`,
      code: k.source,
    });
    this.stats.pipelinesCreated++;
    try {
      return await this.device.createComputePipelineAsync({
        label: k.name,
        layout,
        compute: { module, entryPoint: k.entry, constants },
      });
    } catch (e) {
      throw await describeCompileError(k, module, e);
    }
  }

  assertUsable(what: string): void {
    if (this.lostReason !== null) throw new DeviceLostError(this.lostReason);
    this.throwUncaptured(what);
  }

  private throwUncaptured(what: string): void {
    if (this.uncaptured === null) return;
    const msg = this.uncaptured;
    this.uncaptured = null;
    throw new WgnoError(what, `a GPU error occurred earlier: ${msg}`);
  }

  /** True once the device is lost or destroyed. */
  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Release every GPU resource; Node can exit afterwards. */
  destroy(): void {
    for (const s of this.steps) s.destroy();
    this.steps.clear();
    this.device.destroy();
    this.keepAlive = null;
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
