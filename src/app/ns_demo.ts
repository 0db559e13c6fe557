/**
 * The live Navier-Stokes demo as an embeddable component: `mountNavierStokes(element, options)`
 * shows the GPU pseudo-spectral solver (ground truth) and a trained FNO rolling forward from the
 * same state, side by side, drawn straight from GPU buffers, with controls (lil-gui), live
 * readouts, a live error plot (uPlot) and painting. `destroy()` frees every GPU resource.
 *
 * The parts: the options and public types (ns_options.ts), what was simulated since the last
 * restart (ns_state.ts), what is shown (ns_view.ts), the inputs (ns_controls.ts) and the GPU work
 * (ns_simulation.ts). Here: the animation loop. Frames never wait on the main thread: GPU work is
 * awaited asynchronously, one frame in flight, and every control runs with no frame in flight.
 */
import type GUI from 'lil-gui';
import { sampleGrf2d } from '../pde/grf';
import { loadFNO } from '../models/load';
import { Rng } from '../random';
import { init, type Runtime } from '../runtime/runtime';
import { controls, onPaint, paint, type ControlState } from './ns_controls';
import { resolveOptions, type DemoConfig, type NavierStokesDemo } from './ns_options';
import type { NavierStokesDemoOptions } from './ns_options';
import { Simulation } from './ns_simulation';
import { DemoState } from './ns_state';
import { DemoView } from './ns_view';

export type { DemoStats, NavierStokesDemo, NavierStokesDemoOptions } from './ns_options';

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
  const { cfg, stepsPerUnit } = resolveOptions(options);
  const rt = await init();
  try {
    return await LiveDemo.start(rt, element, cfg, stepsPerUnit);
  } catch (e) {
    rt.destroy();
    throw e;
  }
}

/** The running demo: the handle mountNavierStokes returns. */
class LiveDemo implements NavierStokesDemo {
  private readonly ui: ControlState;
  private initial: Float32Array;
  private gui: GUI | null = null;
  private busy = false;
  private destroyed = false;

  private constructor(
    readonly runtime: Runtime,
    private readonly cfg: DemoConfig,
    private sim: Simulation,
    private readonly simAt: (n: number) => Promise<Simulation>,
    private readonly view: DemoView,
    private readonly state: DemoState,
  ) {
    this.ui = { running: true, showError: true, grid: cfg.grid, seed: cfg.seed };
    this.initial = this.freshField();
  }

  static async start(
    rt: Runtime,
    element: HTMLElement,
    cfg: DemoConfig,
    stepsPerUnit: number,
  ): Promise<LiveDemo> {
    const { fno, config } = await loadFNO(rt, cfg.weightsUrl, cfg.configUrl);
    const tIn = config.tIn ?? config.model.inChannels ?? 1;
    const simAt = (n: number) =>
      Simulation.create(rt, fno, tIn, { n, dt: cfg.dt, substeps: cfg.substeps });
    const sim = await simAt(cfg.grid);
    const view = await DemoView.create(rt, element, cfg);
    const state = new DemoState(tIn, cfg.substeps, stepsPerUnit);
    const demo = new LiveDemo(rt, cfg, sim, simAt, view, state);
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
    this.ui.running = v && !this.stats.error;
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
      this.initial = this.freshField();
      this.restart(this.initial);
    });
  }

  reseed(): Promise<void> {
    return this.paused(() => {
      this.ui.seed++;
      this.initial = this.freshField();
      this.restart(this.initial);
    });
  }

  reset(): Promise<void> {
    return this.paused(() => this.restart(this.initial));
  }

  destroy(): void {
    this.destroyed = true;
    this.gui?.destroy();
    this.view.destroy();
    this.sim.destroy();
    this.runtime.destroy();
  }

  /** Wires painting and the controls, shows t = 0 and starts the animation. */
  private async begin(): Promise<void> {
    // Painting adds a blob of vorticity to the solver's field and restarts the time from there.
    onPaint(this.view.solverCanvas, (at, sign) => {
      const painted = async () => paint(await this.sim.ns.readVorticity(), this.sim.n, at, sign);
      void this.paused(async () => this.restart(await painted()));
    });
    if (this.cfg.controls) {
      const step = () => this.busy || this.tick();
      this.gui = controls(this.view.root, this.ui, this.cfg.grids, this, step);
    }
    this.restart(this.initial);
    await this.draw();
    requestAnimationFrame(this.loop);
  }

  private freshField(): Float32Array {
    return sampleGrf2d(new Rng(this.ui.seed), this.sim.n, 1);
  }

  private restart(w0: Float32Array): void {
    this.sim.ns.setVorticity(w0);
    this.state.restart();
    this.view.clearPlot();
    this.view.showReadout(this.state);
  }

  private draw(): Promise<void> {
    return this.view.draw(this.sim, this.state, this.ui.showError);
  }

  /** One frame: advance the solver, close a time unit when due, draw. */
  private async tick(): Promise<void> {
    this.busy = true;
    try {
      if (await this.state.advance(this.sim, this.runtime.device.queue)) {
        const point = await this.state.endOfUnit(this.sim);
        if (point) this.view.plotPoint(point);
        this.view.showReadout(this.state);
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

  /** Runs `f` with the animation stopped and no frame in flight, then draws. */
  private async paused(f: () => Promise<void> | void): Promise<void> {
    const was = this.ui.running;
    this.ui.running = false;
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    try {
      await f();
      await this.draw();
    } catch (e) {
      this.fail(e);
    }
    this.ui.running = was && !this.stats.error;
  }
}
