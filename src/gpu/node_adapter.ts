/**
 * Node only: a WebGPU adapter from Dawn (the optional peer dependency `webgpu`). The browser build
 * replaces this file with node_adapter.browser.ts (see vite.config.ts), so browser bundles never
 * reference `webgpu` or `node:*`.
 *
 * On a Linux machine without a Vulkan driver, Vulkan is pointed at Chromium's SwiftShader ICD (a
 * CPU Vulkan) when it is installed. That choice is made before Dawn's first instance whenever no
 * driver manifest exists, because an instance created without any driver makes the Vulkan loader
 * and Dawn print "vkCreateInstance: Found no drivers!" with native stack lines on stderr.
 */
import { WgnoError } from '../errors';

type DawnModule = { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
type NodeFs = { existsSync(p: string): boolean; readdirSync(p: string): string[] };

const SWIFTSHADER_ICDS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

/**
 * One Dawn instance per process, shared by every init(). Creating an instance per init() and
 * dropping the old one lets Dawn's event processing of a dead instance race with the new one:
 * after device.destroy() + init() the process could deadlock inside InstanceBase::ProcessEvents.
 */
let nodeGpu: Promise<GPU> | null = null;
/** Instances that found no adapter; kept referenced (dropping a live Dawn instance is unsafe). */
const failedInstances: GPU[] = [];

/** An adapter, and the Dawn instance that must stay referenced while its device lives. */
export async function acquireNodeAdapter(
  powerPreference?: GPUPowerPreference,
): Promise<{ adapter: GPUAdapter; keepAlive: unknown }> {
  nodeGpu ??= createNodeGpu().catch((e: unknown) => {
    nodeGpu = null;
    throw e;
  });
  const gpu = await nodeGpu;
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) throw noNodeAdapter();
  return { adapter, keepAlive: gpu };
}

/** The `webgpu` package, or an error that names it (it is an optional peer dependency). */
async function importDawn(): Promise<DawnModule> {
  // A variable specifier: bundlers of the Node build leave the native package alone.
  const name = 'webgpu';
  try {
    return (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new WgnoError(
      'init',
      missing
        ? "wgno in Node needs the optional peer dependency 'webgpu' (Dawn's WebGPU for Node); install it: npm install webgpu"
        : `the 'webgpu' package failed to load (${(e as Error).message}); reinstall it: npm install webgpu`,
    );
  }
}

async function createNodeGpu(): Promise<GPU> {
  const mod = await importDawn();
  Object.assign(globalThis, mod.globals);
  const fs = (await import(/* @vite-ignore */ 'node:fs')) as NodeFs;
  const swiftshader =
    process.platform === 'linux' ? SWIFTSHADER_ICDS.find(fs.existsSync) : undefined;
  const userChoseDriver = !!(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES);
  if (swiftshader && !userChoseDriver && !hasVulkanDriver(fs)) {
    process.env.VK_ICD_FILENAMES = swiftshader;
    return mod.create([]);
  }
  const gpu = mod.create([]);
  if (await gpu.requestAdapter()) return gpu;
  if (!swiftshader || userChoseDriver) throw noNodeAdapter();
  // A driver manifest exists but gave no adapter (e.g. a GPU driver without its GPU): fall back.
  // The Vulkan loader reads VK_ICD_FILENAMES when an instance is created.
  process.env.VK_ICD_FILENAMES = swiftshader;
  failedInstances.push(gpu);
  const fallback = mod.create([]);
  if (await fallback.requestAdapter()) return fallback;
  throw noNodeAdapter();
}

/** Whether any Vulkan ICD manifest is where the Linux loader looks for drivers. */
function hasVulkanDriver(fs: NodeFs): boolean {
  const env = process.env;
  const home = env.HOME ?? '';
  const config = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const data = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = [
    ...config,
    '/etc',
    '/usr/local/etc',
    env.XDG_DATA_HOME || `${home}/.local/share`,
    ...data,
  ].map((d) => `${d}/vulkan/icd.d`);
  return dirs.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.json')));
}

function noNodeAdapter(): WgnoError {
  return new WgnoError(
    'init',
    'no WebGPU adapter in Node. On Linux wgno needs a Vulkan loader and driver: a GPU driver, or the ' +
      'CPU fallback from Debian: apt-get install -y libvulkan1 chromium (wgno then uses ' +
      "Chromium's SwiftShader at /usr/lib/chromium/vk_swiftshader_icd.json automatically)",
  );
}
