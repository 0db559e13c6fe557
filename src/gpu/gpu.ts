import { DeviceLostError, WgnoError } from '../errors';
import { type AcquireOptions } from './device';
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
  /** GPU buffers created on this device. */
  buffersCreated: number;
  /** Bind groups created. */
  bindGroupsCreated: number;
  /** Compute and render pipelines created (cache misses). */
  pipelinesCreated: number;
  /** Command buffers submitted to the queue. */
  submits: number;
  /** Compute dispatches recorded into submitted command buffers. */
  dispatches: number;
}

/**
 * The device layer: a WebGPU device plus everything wgno caches on it (pipelines and their
 * layouts), buffer creation within the device's limits, uploads and readbacks, one place for
 * device loss and uncaptured errors, and the counters tests use to prove replay allocates nothing.
 * It knows nothing of tensors or graphs; `Runtime` (src/runtime/runtime.ts) builds on it.
 */
export class Gpu {
  /** Creation and submit counters since init (tests check that replays create nothing). */
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
  private readonly modules = new Map<string, GPUShaderModule>();
  /** Called by destroy() before the device goes (Steps free their buffers). */
  private readonly releasers = new Set<() => void>();

  constructor(
    /** The WebGPU device everything runs on (for interop with your own WebGPU code). */
    readonly device: GPUDevice,
    /** Vendor and architecture of the adapter (e.g. 'google' / 'swiftshader' on CPU fallbacks). */
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

  /** Run `release` when this device is destroyed (unless `forget` was called first). */
  onDestroy(release: () => void): {
    /** Unregisters `release`: call it when the object was destroyed some other way. */
    forget(): void;
  } {
    this.releasers.add(release);
    return { forget: () => void this.releasers.delete(release) };
  }

  /** True when the optional feature was granted (timestamp-query, shader-f16, subgroups). */
  hasFeature(f: GPUFeatureName): boolean {
    return this.device.features.has(f);
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

  /** Queue a write of `data` to the start of `buffer` (ordered before later submits). */
  writeBuffer(buffer: GPUBuffer, data: Float32Array): void {
    this.assertUsable('write');
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /** A buffer within the device's maxBufferSize (a WgnoError naming the label otherwise), counted. */
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

  /** A bind group, counted in `stats`. */
  createBindGroup(desc: GPUBindGroupDescriptor): GPUBindGroup {
    this.stats.bindGroupsCreated++;
    return this.device.createBindGroup(desc);
  }

  /** Submits one command buffer holding `dispatches` compute dispatches (counted in `stats`). */
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
    // One module per source: a kernel file's entry points and override variants share its parse.
    let module = this.modules.get(k.source);
    if (!module) {
      module = this.device.createShaderModule({ label: `kernels/${k.name}.wgsl`, code: k.source });
      this.modules.set(k.source, module);
    }
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

  /**
   * Throws DeviceLostError when the device is gone, or a WgnoError for an uncaptured GPU error
   * since the last check, naming `what` was being attempted.
   */
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
    for (const release of [...this.releasers]) release();
    this.releasers.clear();
    this.device.destroy();
    this.keepAlive = null;
  }
}
