import { WgnoError } from '../errors';

/**
 * The only place that knows whether we run in a page (navigator.gpu) or in Node (the `webgpu`
 * package, Dawn). In Node on Linux, when no adapter is found, Vulkan is pointed at Chromium's
 * SwiftShader ICD (a CPU Vulkan) if it is installed, so CPU-only machines still get WebGPU.
 */
export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
}

export interface Acquired {
  adapter: GPUAdapter;
  /** Node's Dawn instance; must stay referenced while the device lives (Dawn crashes otherwise). */
  keepAlive: unknown;
}

const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

export async function acquireAdapter(opts: AcquireOptions): Promise<Acquired> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter({ powerPreference: opts.powerPreference });
    if (!adapter) {
      throw new WgnoError(
        'init',
        'navigator.gpu is present but no GPU adapter is available (WebGPU may be disabled or blocklisted; in Chromium try --enable-unsafe-webgpu)',
      );
    }
    return { adapter, keepAlive: null };
  }
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new WgnoError(
      'init',
      'this browser has no WebGPU (navigator.gpu is missing); use a current Chrome, Edge or Safari, or Firefox with WebGPU enabled',
    );
  }
  return acquireNode(opts);
}

type DawnModule = { create: (flags: string[]) => GPU; globals: Record<string, unknown> };

/**
 * One Dawn instance per process, shared by every init(). Creating an instance per init() and
 * dropping the old one lets Dawn's event processing of a dead instance race with the new one:
 * after device.destroy() + init() the process could deadlock inside InstanceBase::ProcessEvents.
 */
let nodeGpu: Promise<GPU> | null = null;

async function acquireNode(opts: AcquireOptions): Promise<Acquired> {
  nodeGpu ??= createNodeGpu().catch((e: unknown) => {
    nodeGpu = null;
    throw e;
  });
  const gpu = await nodeGpu;
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference });
  if (!adapter) throw noNodeAdapter();
  return { adapter, keepAlive: gpu };
}

async function createNodeGpu(): Promise<GPU> {
  const name = 'webgpu';
  let mod: DawnModule;
  try {
    mod = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    throw new WgnoError(
      'init',
      `the Node WebGPU package is missing (${(e as Error).message}); run: npm install webgpu`,
    );
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  if (await gpu.requestAdapter()) return gpu;
  if (process.platform !== 'linux' || process.env.VK_ICD_FILENAMES) throw noNodeAdapter();
  const fs = await import(/* @vite-ignore */ 'node:fs');
  const icd = SWIFTSHADER_ICDS.find((p) => fs.existsSync(p));
  if (!icd) throw noNodeAdapter();
  // The Vulkan loader reads VK_ICD_FILENAMES when an instance is created. The first instance (no
  // driver) stays referenced: dropping a Dawn instance while the process lives is what we avoid.
  process.env.VK_ICD_FILENAMES = icd;
  failedInstances.push(gpu);
  const fallback = mod.create([]);
  if (await fallback.requestAdapter()) return fallback;
  throw noNodeAdapter();
}

const failedInstances: GPU[] = [];

function noNodeAdapter(): WgnoError {
  return new WgnoError(
    'init',
    'no WebGPU adapter in Node. On Linux wgno needs a Vulkan loader and driver: a GPU driver, or the ' +
      'CPU fallback from Debian: apt-get install -y libvulkan1 chromium (wgno then uses ' +
      "Chromium's SwiftShader at /usr/lib/chromium/vk_swiftshader_icd.json automatically)",
  );
}

/** Features we use when present; every kernel keeps a path that works without them. */
export const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'shader-f16', 'subgroups'];

/** Limits worth raising to the adapter's maximum (large buffers, more workgroup memory). */
export const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function requestDevice(adapter: GPUAdapter, label: string): Promise<GPUDevice> {
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const k of RAISED_LIMITS) requiredLimits[k] = adapter.limits[k];
  return adapter.requestDevice({ label, requiredFeatures, requiredLimits });
}
