/**
 * A WebGPU-level counter of compute dispatches and of the storage bytes bound to each, the same
 * for every library that runs in a page: it wraps GPUDevice.createBindGroup (to remember each bind
 * group's storage-buffer binding sizes) and GPUComputePassEncoder.setBindGroup / dispatchWorkgroups
 * (+Indirect) (to add, per dispatch, the bytes of the groups set at that moment). Uniform buffers are
 * not counted: only bindings of buffers made with STORAGE usage. Bound bytes are an upper bound on
 * what a kernel can touch without re-reading, not what it reads.
 *
 * Install it before the library creates its bind groups (wgno makes them when a step compiles).
 */

export interface Counts {
  /** Compute dispatches recorded since the last reset. */
  dispatches: number;
  /** Sum over those dispatches of the storage bytes bound to them. */
  boundBytes: number;
}

export interface Counter {
  reset(): void;
  read(): Counts;
  /** Restores the original methods. */
  uninstall(): void;
}

/** The prototypes the counter patches: GPUDevice and GPUComputePassEncoder (or what stands for them). */
export interface WebGpuPrototypes {
  device: object;
  pass: object;
}

/** In a page: the global interface objects' prototypes, or null where WebGPU is absent. */
export function globalPrototypes(): WebGpuPrototypes | null {
  const g = globalThis as {
    GPUDevice?: { prototype: object };
    GPUComputePassEncoder?: { prototype: object };
  };
  if (!g.GPUDevice || !g.GPUComputePassEncoder) return null;
  return { device: g.GPUDevice.prototype, pass: g.GPUComputePassEncoder.prototype };
}

/** Where interfaces are not global (Node's Dawn): the prototypes of a device's own objects. */
export function prototypesOf(device: GPUDevice): WebGpuPrototypes {
  const enc = device.createCommandEncoder({ label: 'webgpu_counter.probe' });
  const pass = enc.beginComputePass();
  const protos = {
    device: Object.getPrototypeOf(device) as object,
    pass: Object.getPrototypeOf(pass) as object,
  };
  pass.end();
  enc.finish();
  return protos;
}

type Resource = GPUBindingResource & Partial<GPUBufferBinding>;

/** Bytes of the storage-buffer bindings of a bind group. */
function storageBytes(desc: GPUBindGroupDescriptor): number {
  let bytes = 0;
  for (const e of desc.entries) {
    const r = e.resource as Resource;
    const buffer = (r.buffer ?? (isBuffer(r) ? r : undefined)) as GPUBuffer | undefined;
    if (!buffer || !(buffer.usage & GPUBufferUsage.STORAGE)) continue;
    bytes += r.buffer ? (r.size ?? buffer.size - (r.offset ?? 0)) : buffer.size;
  }
  return bytes;
}

const isBuffer = (r: object): r is GPUBuffer => 'usage' in r && 'size' in r && 'mapState' in r;

/** Patches the prototypes; every device and pass sharing them is counted. */
export function installCounter(protos: WebGpuPrototypes): Counter {
  const dev = protos.device as GPUDevice;
  const pass = protos.pass as GPUComputePassEncoder;
  const orig = {
    createBindGroup: dev.createBindGroup,
    setBindGroup: pass.setBindGroup,
    dispatch: pass.dispatchWorkgroups,
    indirect: pass.dispatchWorkgroupsIndirect,
  };
  const groupBytes = new WeakMap<GPUBindGroup, number>();
  const current = new WeakMap<GPUComputePassEncoder, Map<number, number>>();
  const counts: Counts = { dispatches: 0, boundBytes: 0 };
  const count = (p: GPUComputePassEncoder) => {
    counts.dispatches++;
    for (const b of current.get(p)?.values() ?? []) counts.boundBytes += b;
  };
  dev.createBindGroup = function (this: GPUDevice, desc: GPUBindGroupDescriptor) {
    const group = orig.createBindGroup.call(this, desc);
    groupBytes.set(group, storageBytes(desc));
    return group;
  };
  pass.setBindGroup = function (this: GPUComputePassEncoder, ...args: unknown[]) {
    const [index, group] = args as [number, GPUBindGroup | null];
    const sets = current.get(this) ?? new Map<number, number>();
    current.set(this, sets);
    sets.set(index, group ? (groupBytes.get(group) ?? 0) : 0);
    return (orig.setBindGroup as (...a: unknown[]) => undefined).apply(this, args);
  } as GPUComputePassEncoder['setBindGroup'];
  pass.dispatchWorkgroups = function (
    this: GPUComputePassEncoder,
    x: number,
    y?: number,
    z?: number,
  ) {
    count(this);
    return orig.dispatch.call(this, x, y, z);
  };
  pass.dispatchWorkgroupsIndirect = function (
    this: GPUComputePassEncoder,
    b: GPUBuffer,
    o: number,
  ) {
    count(this);
    return orig.indirect.call(this, b, o);
  };
  return {
    reset() {
      counts.dispatches = 0;
      counts.boundBytes = 0;
    },
    read: () => ({ ...counts }),
    uninstall() {
      dev.createBindGroup = orig.createBindGroup;
      pass.setBindGroup = orig.setBindGroup;
      pass.dispatchWorkgroups = orig.dispatch;
      pass.dispatchWorkgroupsIndirect = orig.indirect;
    },
  };
}
