/**
 * What every demo page does around its own work: check for WebGPU (and say what is needed when it
 * is missing, instead of a blank page), report progress and errors in #status, and expose the
 * page's state as <body data-state="loading | running | done | error | no-webgpu"> for people
 * and tests. Pages provide #status and a hidden #no-webgpu box with a #no-webgpu-detail inside.
 */
export type PageState = 'loading' | 'running' | 'done' | 'error' | 'no-webgpu';

export function setState(state: PageState, status?: string): void {
  document.body.dataset.state = state;
  if (status !== undefined) document.getElementById('status')!.textContent = status;
}

async function hasWebGpu(): Promise<boolean> {
  const detail = document.getElementById('no-webgpu-detail')!;
  if (!('gpu' in navigator) || !navigator.gpu) {
    detail.textContent =
      'This browser has no navigator.gpu: use a current Chrome, Edge or Safari, or Firefox with WebGPU enabled.';
  } else if (!(await navigator.gpu.requestAdapter())) {
    detail.textContent =
      'navigator.gpu is present but gives no adapter (WebGPU may be disabled or blocklisted here).';
  } else return true;
  document.getElementById('no-webgpu')!.hidden = false;
  document.getElementById('status')!.hidden = true;
  setState('no-webgpu');
  return false;
}

/** Runs the page's `main` when WebGPU is there; an error it throws is shown, not swallowed. */
export async function runPage(main: () => Promise<void>): Promise<void> {
  setState('loading');
  if (!(await hasWebGpu())) return;
  try {
    await main();
  } catch (e) {
    setState('error', `Error: ${e instanceof Error ? e.message : String(e)}`);
    console.error(e);
  }
}
