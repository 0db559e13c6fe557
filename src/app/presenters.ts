/**
 * Where a demo panel's pixels go. On a GPU: the canvas's WebGPU context, so a field never leaves
 * GPU memory. On a CPU adapter (SwiftShader and the like), where presenting a WebGPU canvas loses
 * the device in headless Chromium and "GPU memory" is host memory anyway: an offscreen texture
 * copied into a 2-D canvas (one small readback per frame).
 */
import { WgnoError } from '../errors';
import { submitCommands } from '../gpu/encoding';
import type { Runtime } from '../runtime/runtime';

export interface Presenter {
  /** The view to render this frame into. */
  target(): GPUTextureView;
  /** Shows what was rendered (resolves when it is on screen). */
  present(): Promise<void>;
  /** Empties the canvas (the panel's placeholder shows through) until the next present(). */
  clear(): void;
  destroy(): void;
}

/** The render target format presenters for this adapter want. */
export function presenterFormat(cpu: boolean): GPUTextureFormat {
  return cpu ? 'rgba8unorm' : navigator.gpu.getPreferredCanvasFormat();
}

export function makePresenter(rt: Runtime, canvas: HTMLCanvasElement, cpu: boolean): Presenter {
  return cpu ? copyPresenter(rt, canvas) : webgpuPresenter(rt, canvas);
}

function webgpuPresenter(rt: Runtime, canvas: HTMLCanvasElement): Presenter {
  const ctx = canvas.getContext('webgpu');
  if (!ctx) throw new WgnoError('mountNavierStokes', 'canvas.getContext("webgpu") returned null');
  // Configured on first use: unconfiguring is how a WebGPU canvas goes back to transparent.
  let configured = false;
  return {
    target: () => {
      if (!configured)
        ctx.configure({ device: rt.device, format: presenterFormat(false), alphaMode: 'opaque' });
      configured = true;
      return ctx.getCurrentTexture().createView();
    },
    present: async () => {},
    clear: () => {
      if (configured) ctx.unconfigure();
      configured = false;
    },
    destroy: () => ctx.unconfigure(),
  };
}

function copyPresenter(rt: Runtime, canvas: HTMLCanvasElement): Presenter {
  const [w, h] = [canvas.width, canvas.height];
  const tex = rt.device.createTexture({
    label: 'demo.panel',
    size: [w, h],
    format: presenterFormat(true),
    usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
  });
  const buf = rt.createBuffer({
    label: 'demo.panel_readback',
    size: w * h * 4,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new WgnoError('mountNavierStokes', 'canvas.getContext("2d") returned null');
  let pending: Promise<void> = Promise.resolve();
  const copy = async () => {
    submitCommands(rt, 'demo.panel_copy', (enc) =>
      enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow: w * 4 }, [w, h]),
    );
    await buf.mapAsync(GPUMapMode.READ);
    const px = new Uint8ClampedArray(buf.getMappedRange().slice(0));
    buf.unmap();
    ctx.putImageData(new ImageData(px, w, h), 0, 0);
  };
  return {
    target: () => tex.createView(),
    // One copy at a time: a frame never maps the buffer while the previous map is pending.
    present: () => (pending = pending.then(copy, copy)),
    // After any copy still pending, so that it cannot paint over the cleared canvas.
    clear: () => void (pending = pending.then(() => ctx.clearRect(0, 0, w, h))),
    destroy() {
      tex.destroy();
      buf.destroy();
    },
  };
}
