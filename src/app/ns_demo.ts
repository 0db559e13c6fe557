/**
 * The live Navier-Stokes demo as an embeddable component: `mountNavierStokes(element, options)`
 * shows the GPU pseudo-spectral solver (ground truth) and a trained FNO rolling forward from the
 * same state, side by side, drawn straight from GPU buffers (FieldView), with controls (lil-gui),
 * live readouts and painting. `destroy()` frees every GPU resource it made.
 *
 * Time: the solver advances `substeps` steps of dt per frame; every time unit (1/dt steps) it
 * records its state. After `tIn` units of warm-up the FNO takes the last tIn solver states and
 * from then on predicts one time unit per solver time unit from its own predictions (the input
 * window is shifted on the GPU by the step itself: no readback), so the two drift apart and the
 * readouts show by how much.
 */
import GUI from 'lil-gui';
import { WgnoError } from '../errors';
import { init } from '../gpu/runtime';
import type { Runtime } from '../gpu/runtime';
import type { Step } from '../graph/executor';
import type { Tensor } from '../graph/tensor';
import { readSafetensors } from '../io/safetensors';
import { FNO, type FNOConfig } from '../models/fno';
import { concat } from '../ops/concat';
import { slice } from '../ops/pad';
import { sampleGrf2d } from '../pde/grf';
import { NavierStokes2d } from '../pde/navier_stokes';
import { Rng } from '../random';
import { assignUpdate } from '../train/optim';
import { DIVERGING, FieldView } from '../viz/field_view';
import { isCpuAdapter } from '../gpu/target';

export interface NavierStokesDemoOptions {
  /** URL of the FNO weights (safetensors) and of its config.json (wgno train's). */
  weightsUrl: string;
  configUrl: string;
  /** Grid; the FNO runs zero-shot at any of them. Default 32. */
  grid?: number;
  /** Solver time step. Default 1e-3. */
  dt?: number;
  /** Solver steps per animation frame. Default 50. */
  substeps?: number;
  seed?: number;
  /** Colour range: vorticity values at +-range get the ends of the colour map. Default 2. */
  range?: number;
  /** Show lil-gui controls. Default true. */
  controls?: boolean;
}

export interface NavierStokesDemo {
  readonly runtime: Runtime;
  /** Readouts, updated every time unit (for tests and host pages). */
  readonly stats: DemoStats;
  /** Whether the animation advances (the 'run' control). */
  running: boolean;
  /** The grid in use; `setGrid` switches it (the same weights, zero-shot) and restarts. */
  readonly grid: number;
  setGrid(n: number): Promise<void>;
  destroy(): void;
}

export interface DemoStats {
  time: number;
  solverMsPerUnit: number;
  fnoMsPerUnit: number;
  relL2: number;
  frames: number;
}

interface Model {
  fno: FNO;
  config: FNOConfig;
  tIn: number;
}

async function loadModel(rt: Runtime, opts: NavierStokesDemoOptions): Promise<Model> {
  const [wRes, cRes] = await Promise.all([fetch(opts.weightsUrl), fetch(opts.configUrl)]);
  if (!wRes.ok || !cRes.ok)
    throw new WgnoError(
      'mountNavierStokes',
      `could not load the model (${opts.weightsUrl}: HTTP ${wRes.status}, ${opts.configUrl}: HTTP ${cRes.status})`,
    );
  const saved = (await cRes.json()) as { model: FNOConfig; tIn: number };
  const fno = new FNO(rt, saved.model);
  fno.loadStateDict(readSafetensors(await wRes.arrayBuffer()));
  return { fno, config: saved.model, tIn: saved.tIn };
}

/** The solver, the FNO's input window and its one-step prediction at one grid size. */
class Simulation {
  private constructor(
    readonly ns: NavierStokes2d,
    readonly window: Tensor,
    readonly predict: Step,
    readonly prediction: Tensor,
    readonly diff: Tensor,
    readonly n: number,
    readonly stepsPerUnit: number,
  ) {}

  static async create(rt: Runtime, model: Model, n: number, dt: number, substeps: number) {
    const ns = await NavierStokes2d.create(rt, { n, dt, substeps });
    const window = rt.zeros([1, model.tIn, n, n], { label: 'demo.fno_window' });
    const y = model.fno.forward(window);
    const shifted = concat([slice(window, 1, 1, model.tIn), y], 1);
    const predict = await rt.compile({
      outputs: [y],
      updates: [assignUpdate(window, shifted)],
      label: 'demo.fno',
    });
    const diff = rt.zeros([n, n], { label: 'demo.error' });
    return new Simulation(ns, window, predict, y, diff, n, Math.round(1 / dt));
  }

  destroy(): void {
    this.ns.destroy();
    this.predict.destroy();
    this.window.destroy();
    this.diff.destroy();
  }
}

/**
 * Where a panel's pixels go. On a GPU: the canvas's WebGPU context (the field never leaves the
 * GPU). On a CPU adapter (SwiftShader), where presenting a WebGPU canvas loses the device in
 * headless Chromium, and where 'GPU memory' is host memory anyway: an offscreen texture copied
 * into a 2D canvas (one small readback per frame).
 */
interface Presenter {
  target(): GPUTextureView;
  present(): Promise<void>;
  destroy(): void;
}

function webgpuPresenter(
  rt: Runtime,
  canvas: HTMLCanvasElement,
  format: GPUTextureFormat,
): Presenter {
  const ctx = canvas.getContext('webgpu');
  if (!ctx) throw new WgnoError('mountNavierStokes', 'canvas.getContext("webgpu") returned null');
  ctx.configure({ device: rt.device, format, alphaMode: 'opaque' });
  return {
    target: () => ctx.getCurrentTexture().createView(),
    present: async () => {},
    destroy: () => ctx.unconfigure(),
  };
}

function copyPresenter(rt: Runtime, canvas: HTMLCanvasElement): Presenter {
  const [w, h] = [canvas.width, canvas.height];
  const tex = rt.device.createTexture({
    label: 'demo.panel',
    size: [w, h],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
  });
  const buf = rt.createBuffer({
    label: 'demo.panel_readback',
    size: w * h * 4,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const ctx = canvas.getContext('2d')!;
  let pending: Promise<void> = Promise.resolve();
  const copy = async () => {
    const enc = rt.device.createCommandEncoder();
    enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow: w * 4 }, [w, h]);
    rt.device.queue.submit([enc.finish()]);
    await buf.mapAsync(GPUMapMode.READ);
    const px = new Uint8ClampedArray(buf.getMappedRange().slice(0));
    buf.unmap();
    ctx.putImageData(new ImageData(px, w, h), 0, 0);
  };
  return {
    target: () => tex.createView(),
    // One copy at a time: a frame never maps the buffer while the previous map is pending.
    present: () => (pending = pending.then(copy, copy)),
    destroy() {
      tex.destroy();
      buf.destroy();
    },
  };
}

function canvasPanel(
  parent: HTMLElement,
  title: string,
): { canvas: HTMLCanvasElement; box: HTMLElement } {
  const box = document.createElement('figure');
  box.className = 'wgno-ns-panel';
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 256;
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  box.append(canvas, caption);
  parent.append(box);
  return { canvas, box };
}

export async function mountNavierStokes(
  element: HTMLElement,
  options: NavierStokesDemoOptions,
): Promise<NavierStokesDemo> {
  const rt = await init();
  const cfg = { grid: 32, dt: 1e-3, substeps: 50, seed: 0, range: 2, controls: true, ...options };
  const model = await loadModel(rt, cfg);
  const format = navigator.gpu.getPreferredCanvasFormat();
  const cpu = isCpuAdapter(rt.adapterInfo);
  const view = await FieldView.create(rt, cpu ? 'rgba8unorm' : format);
  const root = document.createElement('div');
  root.className = 'wgno-ns';
  element.append(root);
  const panels = [
    canvasPanel(root, 'solver (pseudo-spectral)'),
    canvasPanel(root, 'FNO'),
    canvasPanel(root, 'FNO - solver'),
  ];
  const presenters = panels.map(({ canvas }) =>
    cpu ? copyPresenter(rt, canvas) : webgpuPresenter(rt, canvas, format),
  );
  const bar = document.createElement('div');
  bar.className = 'wgno-ns-colorbar';
  const stops = DIVERGING.map((c) => `rgb(${c.map((v) => Math.round(v * 255)).join(',')})`);
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  bar.title = `vorticity from -${cfg.range} to +${cfg.range}`;
  root.append(bar);
  const readout = document.createElement('dl');
  readout.className = 'wgno-ns-readout';
  root.append(readout);

  const stats: DemoStats = {
    time: 0,
    solverMsPerUnit: NaN,
    fnoMsPerUnit: NaN,
    relL2: NaN,
    frames: 0,
  };
  const state = { running: true, showError: true, grid: cfg.grid, seed: cfg.seed };
  let sim = await Simulation.create(rt, model, state.grid, cfg.dt, cfg.substeps);
  const history: Float32Array[] = [];
  let stepsInUnit = 0;
  let unitStart = performance.now();
  let fnoLive = false;
  let busy = false;
  let destroyed = false;
  /** A new random initial field (the paper's GRF) for the current seed and grid. */
  const freshField = () => sampleGrf2d(new Rng(state.seed), sim.n, 1);
  let initial = freshField();

  const restart = (w0: Float32Array) => {
    sim.ns.setVorticity(w0);
    history.length = 0;
    stepsInUnit = 0;
    fnoLive = false;
    stats.time = 0;
    stats.relL2 = NaN;
    unitStart = performance.now();
    showReadout();
  };

  const showReadout = () => {
    const rows: [string, string][] = [
      ['time', stats.time.toFixed(0)],
      ['solver ms per time unit', stats.solverMsPerUnit.toFixed(0)],
      ['FNO ms per time unit', stats.fnoMsPerUnit.toFixed(1)],
      ['speed-up', (stats.solverMsPerUnit / stats.fnoMsPerUnit).toFixed(0)],
      [
        'FNO relative L2 error',
        fnoLive ? stats.relL2.toFixed(4) : `warming up (${history.length}/${model.tIn})`,
      ],
      [
        'adapter',
        `${rt.adapterInfo.vendor} ${rt.adapterInfo.architecture}`.trim() || '(not reported)',
      ],
    ];
    readout.replaceChildren(
      ...rows.flatMap(([k, v]) => {
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.textContent = v;
        dd.dataset.key = k;
        return [dt, dd];
      }),
    );
  };
  restart(initial);

  /** End of a solver time unit: record, and step the FNO once it has tIn states. */
  const endOfUnit = async () => {
    const w = await sim.ns.readVorticity();
    stats.solverMsPerUnit = performance.now() - unitStart;
    stats.time += 1;
    if (!fnoLive) {
      history.push(w);
      if (history.length === model.tIn) {
        const x = new Float32Array(model.tIn * w.length);
        history.forEach((h, i) => x.set(h, i * w.length));
        sim.window.write(x);
        fnoLive = true;
      }
    } else {
      const t0 = performance.now();
      sim.predict.run();
      const y = await sim.prediction.read();
      stats.fnoMsPerUnit = performance.now() - t0;
      let num = 0;
      let den = 0;
      const d = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) {
        d[i] = y[i] - w[i];
        num += d[i] * d[i];
        den += w[i] * w[i];
      }
      stats.relL2 = Math.sqrt(num / den);
      sim.diff.write(d);
    }
    showReadout();
    unitStart = performance.now();
  };

  /** One animation step: advance the solver, close a time unit when due, draw. */
  const tick = async () => {
    busy = true;
    try {
      sim.ns.advance();
      stepsInUnit += cfg.substeps;
      if (stepsInUnit >= sim.stepsPerUnit) {
        stepsInUnit = 0;
        await endOfUnit();
      }
      await draw();
      stats.frames++;
    } finally {
      busy = false;
    }
  };
  const loop = () => {
    if (destroyed) return;
    if (state.running && !busy) void tick();
    requestAnimationFrame(loop);
  };
  const idle = async () => {
    while (busy) await new Promise((r) => setTimeout(r, 5));
  };

  const draw = async () => {
    view.render(sim.ns.vorticity(), presenters[0].target(), { range: cfg.range });
    const shown = [presenters[0].present()];
    if (fnoLive && stats.time > model.tIn) {
      view.render(sim.prediction, presenters[1].target(), { range: cfg.range });
      shown.push(presenters[1].present());
      if (state.showError) {
        view.render(sim.diff, presenters[2].target(), { range: cfg.range / 4 });
        shown.push(presenters[2].present());
      }
    }
    await Promise.all(shown);
    panels[2].box.hidden = !state.showError;
    const warm = fnoLive ? '' : ` (warming up: ${history.length}/${model.tIn} time units)`;
    panels[1].box.querySelector('figcaption')!.textContent = `FNO${warm}`;
  };

  /** Runs `f` with the animation stopped and no tick in flight. */
  const paused = async (f: () => Promise<void> | void) => {
    const was = state.running;
    state.running = false;
    await idle();
    await f();
    state.running = was;
  };
  // Painting: a Gaussian blob of vorticity (sign from the mouse button) added to the solver state.
  panels[0].canvas.addEventListener('contextmenu', (ev) => ev.preventDefault());
  panels[0].canvas.addEventListener('pointerdown', (ev) => {
    void paused(async () => {
      const rect = panels[0].canvas.getBoundingClientRect();
      const n = sim.n;
      const ci = ((ev.clientY - rect.top) / rect.height) * n;
      const cj = ((ev.clientX - rect.left) / rect.width) * n;
      const w = await sim.ns.readVorticity();
      const sign = ev.button === 2 || ev.shiftKey ? -1 : 1;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const di = Math.min(Math.abs(i - ci), n - Math.abs(i - ci));
          const dj = Math.min(Math.abs(j - cj), n - Math.abs(j - cj));
          w[i * n + j] += sign * 3 * Math.exp(-(di * di + dj * dj) / (2 * (n / 24) ** 2));
        }
      restart(w);
      await draw();
    });
  });

  const setGrid = (n: number) =>
    paused(async () => {
      sim.destroy();
      sim = await Simulation.create(rt, model, n, cfg.dt, cfg.substeps);
      state.grid = n;
      initial = freshField();
      restart(initial);
    });
  let gui: GUI | null = null;
  if (cfg.controls) {
    gui = new GUI({ container: root, title: 'wgno Navier-Stokes' });
    gui.add(state, 'running').name('run').listen();
    gui.add({ step: () => void (busy || state.running || tick()) }, 'step');
    const reseed = () => {
      state.seed++;
      initial = freshField();
      restart(initial);
    };
    gui.add({ reseed: () => void paused(reseed) }, 'reseed');
    gui.add({ reset: () => void paused(() => restart(initial)) }, 'reset');
    gui
      .add(state, 'grid', [32, 64, 128])
      .name('grid (zero-shot)')
      .listen()
      .onChange((n: number) => setGrid(n));
    gui.add(state, 'showError').name('error panel');
  }

  showReadout();
  requestAnimationFrame(loop);
  return {
    runtime: rt,
    stats,
    get running() {
      return state.running;
    },
    set running(v: boolean) {
      state.running = v;
    },
    get grid() {
      return sim.n;
    },
    setGrid,
    destroy() {
      destroyed = true;
      gui?.destroy();
      sim.destroy();
      view.destroy();
      presenters.forEach((p) => p.destroy());
      root.remove();
      rt.destroy();
    },
  };
}
