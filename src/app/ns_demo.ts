/**
 * The live Navier-Stokes demo as an embeddable component: `mountNavierStokes(element, options)`
 * shows the GPU pseudo-spectral solver (ground truth) and a trained FNO rolling forward from the
 * same state, side by side, drawn straight from GPU buffers, with controls (lil-gui), live
 * readouts, a live error plot (uPlot) and painting (click or drag on the solver panel: the
 * strokes go into the running simulation and into the FNO's window, nothing restarts). With the
 * shipped solver history (`historyUrl`) the FNO predicts from the first time unit. `destroy()`
 * frees every GPU resource.
 *
 * The parts: the options and public types (ns_options.ts), what was simulated since the last
 * restart (ns_state.ts), what is shown (ns_view.ts), the inputs (ns_controls.ts) and the GPU work
 * (ns_simulation.ts), where it starts (ns_history.ts), the refine switch (ns_refiner.ts: a space-time
 * FNO's 10-unit prediction, refined by the Navier-Stokes residual). Here: the animation loop. Frames never wait on the main thread: GPU work is
 * awaited asynchronously, one frame in flight, and every control runs with no frame in flight.
 */
import type GUI from 'lil-gui';
import { WgnoError } from '../errors';
import { sampleGrf2d } from '../pde/grf';
import { loadFNO } from '../models/load';
import { Rng } from '../random';
import { init, type Runtime } from '../runtime/runtime';
import { controls, onPaint, paint, type ControlState, type Stroke } from './ns_controls';
import { loadHistory, resampleStart, type History, type Start } from './ns_history';
import { resolveOptions, type DemoConfig, type NavierStokesDemo } from './ns_options';
import type { NavierStokesDemoOptions } from './ns_options';
import { Simulation } from './ns_simulation';
import { DemoRefiner } from './ns_refiner';
import { DemoState } from './ns_state';
import { DemoView, onCpu } from './ns_view';

export type { DemoStats, NavierStokesDemo, NavierStokesDemoOptions } from './ns_options';

/**
 * Mounts the demo into `element` and starts it.
 *
 * @example
 * const demo = await mountNavierStokes(document.getElementById('app')!, {
 *   weightsUrl: 'models/ns2d-fno-32/weights.safetensors',
 *   configUrl: 'models/ns2d-fno-32/config.json',
 *   historyUrl: 'models/ns2d-fno-32/history.safetensors',
 * });
 * // later: demo.destroy();
 */
export async function mountNavierStokes(
  element: HTMLElement,
  options: NavierStokesDemoOptions,
): Promise<NavierStokesDemo> {
  const rt = await init();
  try {
    const { cfg, stepsPerUnit } = resolveOptions(options, onCpu(rt));
    return await LiveDemo.start(rt, element, cfg, stepsPerUnit);
  } catch (e) {
    rt.destroy();
    throw e;
  }
}

/** The running demo: the handle mountNavierStokes returns. */
class LiveDemo implements NavierStokesDemo {
  private readonly ui: ControlState;
  private initial: Start;
  /** Strokes painted since the last frame, applied before the next one. */
  private readonly strokes: Stroke[] = [];
  private gui: GUI | null = null;
  private busy = false;
  /** paused() calls in progress, and whether to run again when the last ends. */
  private holds = 0;
  private resume = false;
  private destroyed = false;
  /** The refine switch's model and state, loaded when the switch first goes on. */
  private refiner: DemoRefiner | null = null;

  private constructor(
    readonly runtime: Runtime,
    private readonly cfg: DemoConfig,
    private sim: Simulation,
    private readonly simAt: (n: number) => Promise<Simulation>,
    private readonly view: DemoView,
    private readonly state: DemoState,
    private readonly history: History | null,
  ) {
    this.ui = { running: true, showError: true, grid: cfg.grid, seed: cfg.seed, refine: false };
    this.initial = this.freshStart();
  }

  static async start(
    rt: Runtime,
    element: HTMLElement,
    cfg: DemoConfig,
    stepsPerUnit: number,
  ): Promise<LiveDemo> {
    const [{ fno, config }, history] = await Promise.all([
      loadFNO(rt, cfg.weightsUrl, cfg.configUrl),
      cfg.historyUrl ? loadHistory(cfg.historyUrl) : null,
    ]);
    const tIn = config.tIn ?? config.model.inChannels ?? 1;
    const simAt = (n: number) =>
      Simulation.create(rt, fno, tIn, { n, dt: cfg.dt, substeps: cfg.substeps });
    const sim = await simAt(cfg.grid);
    const view = await DemoView.create(rt, element, cfg);
    const state = new DemoState(tIn, cfg.substeps, stepsPerUnit);
    const demo = new LiveDemo(rt, cfg, sim, simAt, view, state, history);
    await demo.begin();
    return demo;
  }

  get stats() {
    return this.state.stats;
  }

  get errorHistory() {
    return this.state.history;
  }

  get running(): boolean {
    return this.ui.running;
  }

  set running(v: boolean) {
    // During a control (a grid switch, a stroke while paused) this is the state it resumes to.
    if (this.holds > 0) this.resume = v && !this.stats.error;
    else this.ui.running = v && !this.stats.error;
  }

  get grid(): number {
    return this.sim.n;
  }

  async setGrid(n: number): Promise<void> {
    const next = await this.simAt(n); // a bad grid throws here, with the demo untouched
    await this.paused(() => {
      this.sim.destroy();
      this.sim = next;
      this.ui.grid = n;
      this.initial = this.freshStart();
      this.restart(this.initial);
    });
  }

  reseed(): Promise<void> {
    return this.paused(() => {
      this.ui.seed++;
      this.initial = this.freshStart();
      this.restart(this.initial);
    });
  }

  reset(): Promise<void> {
    return this.paused(() => this.restart(this.initial));
  }

  get refining(): boolean {
    return this.refiner?.enabled ?? false;
  }

  get refineHistory() {
    return this.refiner?.history ?? { plain: [], refined: [] };
  }

  get refineStatus(): string {
    return this.refiner?.status ?? 'off';
  }

  async setRefine(on: boolean): Promise<void> {
    const settings = this.cfg.refiner;
    if (!settings)
      throw new WgnoError('mountNavierStokes', 'setRefine: the demo was mounted without a refiner');
    const sink = {
      point: (series: 'plain' | 'refined', t: number, relL2: number) =>
        this.view.plotRefine(series, { t, relL2 }),
      status: (text: string) => this.view.showRefine(text),
    };
    if (on && !this.refiner) {
      sink.status('loading the space-time FNO');
      try {
        this.refiner = await DemoRefiner.load(this.runtime, settings, sink);
      } catch (e) {
        this.ui.refine = false;
        sink.status(`could not load it: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    }
    this.ui.refine = on;
    this.view.clearRefine();
    // Straight after a restart the solver's states so far are the start's records.
    const fresh = this.state.stats.time === this.initial.records.length;
    this.refiner?.setEnabled(on, fresh ? this.initial.records : []);
  }

  destroy(): void {
    this.destroyed = true;
    this.refiner?.setEnabled(false); // a running refinement stops at its next iteration
    this.gui?.destroy();
    this.view.destroy();
    this.sim.destroy();
    this.runtime.destroy();
  }

  /** Wires painting and the controls, shows the start and starts the animation. */
  private async begin(): Promise<void> {
    // A running demo takes the strokes at its next frame; a paused one right away.
    onPaint(this.view.solverCanvas, (stroke) => {
      this.strokes.push(stroke);
      if (!this.ui.running) void this.paused(() => this.applyStrokes());
    });
    if (this.cfg.controls) {
      const step = () => this.busy || this.tick();
      const refine = !!this.cfg.refiner;
      this.gui = controls(this.view.root, this.ui, this.cfg.grids, this, step, refine);
    }
    this.restart(this.initial);
    await this.draw();
    requestAnimationFrame(this.loop);
  }

  /**
   * The seed's start on the current grid: the shipped history when it was solved from this seed
   * with this dt (resampled to the grid), else a fresh random field that the FNO warms up on.
   */
  private freshStart(): Start {
    const h = this.history;
    if (h && h.seed === this.ui.seed && Math.abs(h.dt - this.cfg.dt) < 1e-12)
      return resampleStart(h, this.sim.n);
    const w0 = sampleGrf2d(new Rng(this.ui.seed), this.sim.n, 1);
    return { n: this.sim.n, w0, records: [] };
  }

  /** The solver at the start's last state, its records in the FNO's window, readouts cleared. */
  private restart(start: Start): void {
    const k = start.records.length;
    this.strokes.length = 0;
    this.sim.ns.setVorticity(start.records.at(-1) ?? start.w0);
    this.sim.setWindow(start.records);
    this.state.restart(k, k);
    this.refiner?.reset(start.records);
    this.view.restart();
    this.view.showReadout(this.state);
  }

  /** Paints the pending strokes into the solver's state and the FNO's window; time goes on. */
  private async applyStrokes(): Promise<void> {
    if (this.strokes.length === 0) return;
    const strokes = this.strokes.splice(0);
    // Into every recorded plane of the window, not only the last: the FNO reads a sudden jump
    // between its last two inputs as a trend and extrapolates it; a dab present in all of them is
    // a feature of the flow that it carries forward.
    await this.sim.edit((w) => paint(w, this.sim.n, strokes), this.state.recorded);
  }

  private draw(): Promise<void> {
    return this.view.draw(this.sim, this.state, this.ui.showError);
  }

  /** One frame: advance the solver, close a time unit when due, draw. */
  private async tick(): Promise<void> {
    this.busy = true;
    try {
      await this.applyStrokes();
      if (await this.state.advance(this.sim, this.runtime.device.queue)) {
        const point = await this.state.endOfUnit(this.sim);
        if (point) this.view.plotPoint(point);
        this.view.showReadout(this.state);
        const read = () => this.sim.ns.readVorticity();
        await this.refiner?.unit(this.state.stats.time, read, this.sim.n);
      }
      await this.draw();
      this.stats.frames++;
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  private fail(e: unknown): void {
    this.ui.running = false;
    this.stats.error = e instanceof Error ? e.message : String(e);
    this.view.error(`The demo stopped: ${this.stats.error}`);
  }

  private readonly loop = (): void => {
    if (this.destroyed) return;
    if (this.ui.running && !this.busy && !this.stats.error) void this.tick();
    requestAnimationFrame(this.loop);
  };

  /**
   * Runs `f` with the animation stopped and no frame or other control in flight (busy, so that
   * two controls never interleave their GPU reads and writes), then draws.
   */
  private async paused(f: () => Promise<void> | void): Promise<void> {
    // Overlapping calls (strokes while a grid switch waits) resume to the state before the first.
    if (this.holds++ === 0) this.resume = this.ui.running;
    this.ui.running = false;
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    this.busy = true;
    try {
      await f();
      await this.draw();
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
    }
    if (--this.holds === 0) this.ui.running = this.resume && !this.stats.error;
  }
}
