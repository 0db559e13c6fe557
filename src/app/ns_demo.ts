/**
 * The live Navier-Stokes demo as an embeddable component: `mountNavierStokes(element, options)`
 * shows the GPU pseudo-spectral solver (ground truth) and a trained FNO rolling forward from the
 * same state, side by side, drawn straight from GPU buffers (FieldView), with controls (lil-gui),
 * live readouts, a live error plot (uPlot) and painting. `destroy()` frees every GPU resource.
 *
 * Time: each animation frame advances the solver `substeps` steps of dt. At the end of each time
 * unit the solver's state is appended to the FNO's input window (on the GPU); once the window
 * holds `tIn` units, the FNO predicts one time unit per solver time unit from its own previous
 * predictions, so the two drift apart and the readouts show by how much. Frames never wait on the
 * main thread: GPU work is awaited asynchronously, one frame in flight.
 */
import GUI from 'lil-gui';
import { WgnoError } from '../errors';
import { init, type Runtime } from '../gpu/runtime';
import { isCpuAdapter } from '../gpu/target';
import { loadFNO } from '../models/load';
import { sampleGrf2d } from '../pde/grf';
import { Rng } from '../random';
import { DIVERGING, FieldView, checkRange, type Rgb } from '../viz/field_view';
import { ErrorPlot } from './error_plot';
import { Readout, colorBar, fieldPanel } from './ns_dom';
import { Simulation } from './ns_simulation';
import { makePresenter, presenterFormat } from './presenters';
import { injectStyles } from './styles';

export interface NavierStokesDemoOptions {
  /** URL of the FNO weights (safetensors) and of its config.json (wgno train's). */
  weightsUrl: string;
  configUrl: string;
  /** Grid side; the FNO runs zero-shot on any of `grids`. Default 32. */
  grid?: number;
  /** The grids the controls offer. Default [32, 64, 128, 256]. */
  grids?: readonly number[];
  /** Solver time step; 1/dt must be a whole number of steps. Default 1e-3. */
  dt?: number;
  /** Solver steps per animation frame; must divide 1/dt. Default 50. */
  substeps?: number;
  /** Seed of the random initial vorticity (the FNO paper's Gaussian random field). Default 0. */
  seed?: number;
  /** Colour range: vorticity values at +-range get the ends of the colour map. Default 2. */
  range?: number;
  /** Colour map: 2 to 16 sRGB stops in [0, 1] from -range to +range. Default ColorBrewer RdBu. */
  colormap?: readonly Rgb[];
  /** Show lil-gui controls. Default true. */
  controls?: boolean;
  /** Show the live error plot. Default true. */
  plot?: boolean;
}

export interface NavierStokesDemo {
  readonly runtime: Runtime;
  /** Readouts, updated every time unit (for tests and host pages). */
  readonly stats: DemoStats;
  /** The FNO's relative L2 error at each time unit since the last restart. */
  readonly errorHistory: readonly { t: number; relL2: number }[];
  /** Whether the animation advances (the 'run' control). */
  running: boolean;
  /** The grid in use; `setGrid` switches it (the same weights, zero-shot) and restarts. */
  readonly grid: number;
  setGrid(n: number): Promise<void>;
  /** A new random initial field (next seed), or the last one again; both restart the time. */
  reseed(): Promise<void>;
  reset(): Promise<void>;
  destroy(): void;
}

export interface DemoStats {
  time: number;
  solverMsPerUnit: number;
  fnoMsPerUnit: number;
  relL2: number;
  frames: number;
  /** Set when the demo stopped on an error (e.g. the GPU device was lost). */
  error?: string;
}

const READOUT = ['time', 'solver ms per time unit', 'FNO ms per time unit', 'speed-up'] as const;
const ERROR_KEY = 'FNO relative L2 error';

function checkOptions(cfg: Required<NavierStokesDemoOptions>): number {
  const stepsPerUnit = Math.round(1 / cfg.dt);
  if (!(cfg.dt > 0) || Math.abs(stepsPerUnit * cfg.dt - 1) > 1e-9)
    throw new WgnoError('mountNavierStokes', `dt = ${cfg.dt}; need 1/dt to be a whole number`);
  if (!Number.isInteger(cfg.substeps) || cfg.substeps < 1 || stepsPerUnit % cfg.substeps !== 0)
    throw new WgnoError(
      'mountNavierStokes',
      `substeps = ${cfg.substeps}; need a whole number >= 1 that divides 1/dt = ${stepsPerUnit}`,
    );
  checkRange('mountNavierStokes', cfg.range);
  return stepsPerUnit;
}

/**
 * Mounts the demo into `element` and starts it.
 *
 * @example
 * const demo = await mountNavierStokes(document.getElementById('app')!, {
 *   weightsUrl: 'models/ns2d-fno-32/weights.safetensors',
 *   configUrl: 'models/ns2d-fno-32/config.json',
 *   grid: 64,
 * });
 * // later: demo.destroy();
 */
export async function mountNavierStokes(
  element: HTMLElement,
  options: NavierStokesDemoOptions,
): Promise<NavierStokesDemo> {
  const cfg: Required<NavierStokesDemoOptions> = {
    ...{ grid: 32, grids: [32, 64, 128, 256], dt: 1e-3, substeps: 50, seed: 0, range: 2 },
    ...{ colormap: DIVERGING, controls: true, plot: true },
    ...options,
  };
  const stepsPerUnit = checkOptions(cfg);
  const rt = await init();
  try {
    return await start(rt, element, cfg, stepsPerUnit);
  } catch (e) {
    rt.destroy();
    throw e;
  }
}

async function start(
  rt: Runtime,
  element: HTMLElement,
  cfg: Required<NavierStokesDemoOptions>,
  stepsPerUnit: number,
): Promise<NavierStokesDemo> {
  const { fno, config } = await loadFNO(rt, cfg.weightsUrl, cfg.configUrl);
  const tIn = config.tIn ?? config.model.inChannels ?? 1;
  const cpu = isCpuAdapter(rt.adapterInfo);
  const view = await FieldView.create(rt, presenterFormat(cpu), cfg.colormap);
  const simAt = (n: number) =>
    Simulation.create(rt, fno, tIn, { n, dt: cfg.dt, substeps: cfg.substeps });
  let sim = await simAt(cfg.grid);

  injectStyles(element.ownerDocument);
  const root = document.createElement('div');
  root.className = 'wgno-ns';
  element.append(root);
  const panels = [
    fieldPanel(root, 'solver (pseudo-spectral)', 'solver'),
    fieldPanel(root, 'FNO', 'fno'),
    fieldPanel(root, 'FNO - solver', 'error'),
  ];
  const presenters = panels.map((p) => makePresenter(rt, p.canvas, cpu));
  colorBar(root, cfg.range, cfg.colormap);
  const readout = new Readout(root, [...READOUT, ERROR_KEY, 'adapter']);
  const plot = cfg.plot ? new ErrorPlot(root) : null;
  const adapter = `${rt.adapterInfo.vendor} ${rt.adapterInfo.architecture}`.trim();
  readout.set('adapter', adapter || '(not reported)');

  const stats: DemoStats = {
    time: 0,
    solverMsPerUnit: NaN,
    fnoMsPerUnit: NaN,
    relL2: NaN,
    frames: 0,
  };
  const history: { t: number; relL2: number }[] = [];
  const state = { running: true, showError: true, grid: cfg.grid, seed: cfg.seed };
  let recorded = 0;
  let stepsInUnit = 0;
  let solverMs = 0;
  let busy = false;
  let destroyed = false;
  const freshField = () => sampleGrf2d(new Rng(state.seed), sim.n, 1);
  let initial = freshField();
  const fnoLive = () => recorded === tIn;

  const showReadout = () => {
    const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
    readout.set('time', stats.time.toFixed(0));
    readout.set('solver ms per time unit', fmt(stats.solverMsPerUnit, 0));
    readout.set('FNO ms per time unit', fmt(stats.fnoMsPerUnit, 1));
    readout.set('speed-up', fmt(stats.solverMsPerUnit / stats.fnoMsPerUnit, 0));
    const warm = `warming up (${recorded}/${tIn} time units of solver history)`;
    readout.set(ERROR_KEY, fnoLive() ? fmt(stats.relL2, 4) : warm);
    panels[1].caption(fnoLive() ? 'FNO' : `FNO (${warm})`);
  };

  const restart = (w0: Float32Array) => {
    sim.ns.setVorticity(w0);
    recorded = stepsInUnit = 0;
    solverMs = 0;
    stats.time = 0;
    stats.relL2 = NaN;
    history.length = 0;
    plot?.clear();
    showReadout();
  };

  /** End of a solver time unit: feed the FNO's window, or let the FNO predict and score it. */
  const endOfUnit = async () => {
    stats.solverMsPerUnit = solverMs;
    solverMs = 0;
    stats.time += 1;
    if (!fnoLive()) {
      sim.record();
      recorded++;
    } else {
      const t0 = performance.now();
      stats.relL2 = await sim.predict();
      stats.fnoMsPerUnit = performance.now() - t0;
      history.push({ t: stats.time, relL2: stats.relL2 });
      plot?.push(stats.time, stats.relL2);
    }
    showReadout();
  };

  const draw = async () => {
    const range = cfg.range;
    view.render(sim.ns.vorticity(), presenters[0].target(), { range });
    const shown = [presenters[0].present()];
    if (fnoLive() && history.length > 0) {
      view.render(sim.prediction, presenters[1].target(), { range });
      shown.push(presenters[1].present());
      if (state.showError) {
        view.render(sim.diff, presenters[2].target(), { range: range / 4 });
        shown.push(presenters[2].present());
      }
    }
    panels[2].box.hidden = !state.showError;
    await Promise.all(shown);
  };

  /** One frame: advance the solver (timed on its own), close a time unit when due, draw. */
  const tick = async () => {
    busy = true;
    try {
      const t0 = performance.now();
      sim.ns.advance();
      await rt.device.queue.onSubmittedWorkDone();
      solverMs += performance.now() - t0;
      stepsInUnit += cfg.substeps;
      if (stepsInUnit === stepsPerUnit) {
        stepsInUnit = 0;
        await endOfUnit();
      }
      await draw();
      stats.frames++;
    } catch (e) {
      fail(e);
    } finally {
      busy = false;
    }
  };
  const fail = (e: unknown) => {
    state.running = false;
    stats.error = e instanceof Error ? e.message : String(e);
    readout.error(`The demo stopped: ${stats.error}`);
  };
  const loop = () => {
    if (destroyed) return;
    if (state.running && !busy && !stats.error) void tick();
    requestAnimationFrame(loop);
  };

  /** Runs `f` with the animation stopped and no frame in flight. */
  const paused = async (f: () => Promise<void> | void) => {
    const was = state.running;
    state.running = false;
    while (busy) await new Promise((r) => setTimeout(r, 5));
    try {
      await f();
      await draw();
    } catch (e) {
      fail(e);
    }
    state.running = was && !stats.error;
  };

  // Painting: a Gaussian blob of vorticity (negative with shift or the right button).
  const canvas = panels[0].canvas;
  canvas.addEventListener('contextmenu', (ev) => ev.preventDefault());
  canvas.addEventListener('pointerdown', (ev) => {
    const rect = canvas.getBoundingClientRect();
    const at = [(ev.clientY - rect.top) / rect.height, (ev.clientX - rect.left) / rect.width];
    const sign = ev.button === 2 || ev.shiftKey ? -1 : 1;
    void paused(async () => restart(paint(await sim.ns.readVorticity(), sim.n, at, sign)));
  });

  const handle = {
    runtime: rt,
    stats,
    errorHistory: history,
    get running() {
      return state.running;
    },
    set running(v: boolean) {
      state.running = v && !stats.error;
    },
    get grid() {
      return sim.n;
    },
    setGrid: async (n: number) => {
      const next = await simAt(n); // a bad grid throws here, with the demo untouched
      await paused(() => {
        sim.destroy();
        sim = next;
        state.grid = n;
        initial = freshField();
        restart(initial);
      });
    },
    reseed: () =>
      paused(() => {
        state.seed++;
        initial = freshField();
        restart(initial);
      }),
    reset: () => paused(() => restart(initial)),
    destroy() {
      destroyed = true;
      gui?.destroy();
      plot?.destroy();
      sim.destroy();
      view.destroy();
      presenters.forEach((p) => p.destroy());
      root.remove();
      rt.destroy();
    },
  };
  const gui = cfg.controls ? controls(root, state, cfg.grids, handle, () => busy || tick()) : null;
  restart(initial);
  await draw();
  requestAnimationFrame(loop);
  return handle;
}

/** w plus a periodic Gaussian blob of amplitude 3 * sign centred at `at` (fractions of the side). */
function paint(w: Float32Array, n: number, at: readonly number[], sign: number): Float32Array {
  const [ci, cj] = at.map((f) => f * n);
  const width2 = 2 * (n / 24) ** 2;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const di = Math.min(Math.abs(i - ci), n - Math.abs(i - ci));
      const dj = Math.min(Math.abs(j - cj), n - Math.abs(j - cj));
      w[i * n + j] += sign * 3 * Math.exp(-(di * di + dj * dj) / width2);
    }
  return w;
}

function controls(
  root: HTMLElement,
  state: { running: boolean; showError: boolean; grid: number },
  grids: readonly number[],
  demo: Pick<NavierStokesDemo, 'setGrid' | 'reseed' | 'reset'>,
  step: () => unknown,
): GUI {
  const gui = new GUI({ container: root, title: 'wgno Navier-Stokes' });
  gui.add(state, 'running').name('run').listen();
  gui.add({ step: () => void (state.running || step()) }, 'step');
  gui.add({ reseed: () => void demo.reseed() }, 'reseed');
  gui.add({ reset: () => void demo.reset() }, 'reset');
  gui
    .add(state, 'grid', [...grids])
    .name('grid (zero-shot)')
    .listen()
    .onChange((n: number) => void demo.setGrid(n));
  gui.add(state, 'showError').name('error panel');
  return gui;
}
