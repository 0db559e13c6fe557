import { WgnoError } from '../errors';
import { acquireNodeAdapter } from './node_adapter';

/**
 * The only place that chooses between a page (navigator.gpu) and Node (Dawn, through the optional
 * peer dependency `webgpu`: see node_adapter.ts, which the browser build replaces with a stub so
 * that browser bundles never reference Node-only modules).
 */
export interface AcquireOptions {
  /** Passed to `requestAdapter`: 'high-performance' asks for a discrete GPU where there are two. */
  powerPreference?: GPUPowerPreference;
}

export interface Acquired {
  adapter: GPUAdapter;
  /** Node's Dawn instance; must stay referenced while the device lives (Dawn crashes otherwise). */
  keepAlive: unknown;
}

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
  return acquireNodeAdapter(opts.powerPreference);
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
