/**
 * The browser build's stand-in for node_adapter.ts (vite.config.ts swaps it in), so browser
 * bundles hold no reference to `webgpu` or `node:*`. Reached only where navigator.gpu is missing.
 */
import { WgnoError } from '../errors';

export async function acquireNodeAdapter(): Promise<{ adapter: GPUAdapter; keepAlive: unknown }> {
  const node = typeof process !== 'undefined' && !!process.versions?.node;
  throw new WgnoError(
    'init',
    node
      ? "this is wgno's browser build, loaded in Node; import 'wgno' without the 'browser' condition to get the Node build (Dawn through the 'webgpu' package)"
      : 'this browser has no WebGPU (navigator.gpu is missing); use a current Chrome, Edge or Safari, or Firefox with WebGPU enabled',
  );
}
