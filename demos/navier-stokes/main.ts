/**
 * The live Navier-Stokes demo page: mounts the library's component with the shipped model
 * (models/ns2d-fno-32). Everything it does is public API (`mountNavierStokes`).
 */
import { mountNavierStokes, type NavierStokesDemo } from '../../src/index';

const status = document.getElementById('status')!;
// Relative to the page, so the demo also works from a static host under a sub-path.
const MODEL = new URL('../../models/ns2d-fno-32/', document.baseURI);

function showNoWebGpu(detail: string): void {
  document.getElementById('no-webgpu-detail')!.textContent = ` ${detail}`;
  document.getElementById('no-webgpu')!.hidden = false;
  status.hidden = true;
  document.body.dataset.state = 'no-webgpu';
}

async function main(): Promise<void> {
  // Without WebGPU (or with it switched off) say what is needed instead of a blank page.
  const adapter = 'gpu' in navigator ? await navigator.gpu.requestAdapter() : null;
  if (!adapter) {
    showNoWebGpu(
      'gpu' in navigator
        ? 'navigator.gpu is present but gives no adapter (WebGPU may be disabled or blocklisted here).'
        : 'This browser has no navigator.gpu: use a current Chrome, Edge or Safari, or Firefox with WebGPU enabled.',
    );
    return;
  }
  let demo: NavierStokesDemo;
  try {
    demo = await mountNavierStokes(document.getElementById('app')!, {
      weightsUrl: new URL('weights.safetensors', MODEL).href,
      configUrl: new URL('config.json', MODEL).href,
    });
  } catch (e) {
    status.textContent = `Could not start: ${e instanceof Error ? e.message : String(e)}`;
    document.body.dataset.state = 'error';
    return;
  }
  status.textContent = `Running on ${demo.runtime.adapterInfo.vendor || 'an unnamed'} adapter.`;
  document.body.dataset.state = 'running';
  (window as unknown as { wgnoDemo: NavierStokesDemo }).wgnoDemo = demo;
}

void main();
