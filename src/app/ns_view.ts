/**
 * What the Navier-Stokes demo shows: the solver, FNO and error panels drawn straight from GPU
 * buffers (FieldView), the colour bar, the readouts and the live error plot (uPlot).
 */
import { isCpuAdapter } from '../gpu/target';
import type { Runtime } from '../runtime/runtime';
import { FieldView } from '../viz/field_view';
import { ErrorPlot } from './error_plot';
import { Readout, colorBar, fieldPanel, notice, type Panel } from './ns_dom';
import type { DemoConfig } from './ns_options';
import type { Simulation } from './ns_simulation';
import type { DemoState, ErrorPoint } from './ns_state';
import { makePresenter, presenterFormat, type Presenter } from './presenters';
import { injectStyles } from './styles';

const READOUT = ['time', 'solver ms per time unit', 'FNO ms per time unit', 'speed-up'] as const;
const ERROR_KEY = 'FNO relative L2 error';

const REFINE_KEY = 'refine (space-time FNO)';

type ViewConfig = Pick<
  DemoConfig,
  'range' | 'errorRange' | 'colormap' | 'plot' | 'grid' | 'refiner'
>;

/**
 * Whether WebGPU runs on the CPU here: the adapter says so (SwiftShader, llvmpipe, a fallback
 * adapter) or the runtime chose the CPU kernels ('lane').
 */
export function onCpu(rt: Runtime): boolean {
  return rt.target.kernels === 'lane' || isCpuAdapter(rt.adapterInfo);
}

function cpuNotice(rt: Runtime, grid: number): string {
  const name = `${rt.adapterInfo.vendor} ${rt.adapterInfo.architecture}`.trim();
  return (
    `${name ? `This adapter (${name})` : 'This adapter'} is a CPU emulation of WebGPU: the solver ` +
    `and the FNO run on the processor, far slower than on a GPU. The grid starts at ${grid} x ` +
    `${grid}; finer grids take minutes per time unit here.`
  );
}

export class DemoView {
  readonly root: HTMLElement;
  private readonly panels: Panel[];
  private readonly presenters: Presenter[];
  private readonly readout: Readout;
  private readonly plot: ErrorPlot | null;

  private constructor(
    rt: Runtime,
    element: HTMLElement,
    private readonly cfg: ViewConfig,
    private readonly field: FieldView,
    cpu: { adapter: boolean; runtime: boolean },
  ) {
    injectStyles(element.ownerDocument);
    this.root = document.createElement('div');
    this.root.className = 'wgno-ns';
    element.append(this.root);
    if (cpu.runtime) notice(this.root, cpuNotice(rt, cfg.grid));
    this.panels = [
      fieldPanel(this.root, 'solver (pseudo-spectral)', 'solver'),
      fieldPanel(this.root, 'FNO', 'fno'),
      fieldPanel(this.root, 'FNO - solver', 'error'),
    ];
    const stops = cfg.colormap;
    // The error is small next to the fields: its panel has its own, narrower scale.
    colorBar(this.panels[2].box, { range: cfg.errorRange, what: 'error', stops, extra: 'small' });
    this.presenters = this.panels.map((p) => makePresenter(rt, p.canvas, cpu.adapter));
    colorBar(this.root, { range: cfg.range, what: 'vorticity (solver, FNO)', stops });
    const refine = cfg.refiner ? [REFINE_KEY] : [];
    this.readout = new Readout(this.root, [...READOUT, ERROR_KEY, ...refine, 'adapter']);
    this.plot = cfg.plot ? new ErrorPlot(this.root, 400, !!cfg.refiner) : null;
    const adapter = `${rt.adapterInfo.vendor} ${rt.adapterInfo.architecture}`.trim();
    this.readout.set('adapter', adapter || '(not reported)');
    if (cfg.refiner) this.showRefine('off');
  }

  /** Builds the view inside `element`, presenting the way the adapter allows (see presenters.ts). */
  static async create(rt: Runtime, element: HTMLElement, cfg: ViewConfig): Promise<DemoView> {
    const cpu = { adapter: isCpuAdapter(rt.adapterInfo), runtime: onCpu(rt) };
    const field = await FieldView.create(rt, presenterFormat(cpu.adapter), cfg.colormap);
    return new DemoView(rt, element, cfg, field, cpu);
  }

  /** The solver panel's canvas, where the user paints. */
  get solverCanvas(): HTMLCanvasElement {
    return this.panels[0].canvas;
  }

  showReadout(state: DemoState): void {
    const { stats, recorded, tIn, fnoLive } = state;
    const fmt = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
    this.readout.set('time', stats.time.toFixed(0));
    this.readout.set('solver ms per time unit', fmt(stats.solverMsPerUnit, 0));
    this.readout.set('FNO ms per time unit', fmt(stats.fnoMsPerUnit, 1));
    this.readout.set('speed-up', fmt(stats.solverMsPerUnit / stats.fnoMsPerUnit, 0));
    const warm = `warming up, ${recorded}/${tIn}`;
    this.readout.set(ERROR_KEY, fnoLive ? fmt(stats.relL2, 4) : warm);
    const caption = `FNO (${warm} time units of solver history)`;
    this.panels[1].caption(fnoLive ? 'FNO' : caption);
  }

  /**
   * Draws the solver's field; once the FNO's window is full, the FNO's current state (the
   * window's last plane: its latest prediction, or the solver's state it starts from); once it has
   * predicted, the error.
   */
  async draw(sim: Simulation, state: DemoState, showError: boolean): Promise<void> {
    const { range, errorRange } = this.cfg;
    this.field.render(sim.ns.vorticity(), this.presenters[0].target(), { range });
    const shown = [this.presenters[0].present()];
    if (state.fnoLive) {
      const index = state.tIn - 1;
      this.field.render(sim.window, this.presenters[1].target(), { range, index });
      shown.push(this.presenters[1].present());
    }
    if (state.fnoLive && state.history.length > 0 && showError) {
      this.field.render(sim.diff, this.presenters[2].target(), { range: errorRange });
      shown.push(this.presenters[2].present());
    }
    this.panels[2].box.hidden = !showError;
    await Promise.all(shown);
  }

  /** A restart: the FNO and error panels go blank until there is something to show. */
  restart(): void {
    this.presenters[1].clear();
    this.presenters[2].clear();
    this.plot?.clear();
  }

  plotPoint(p: ErrorPoint): void {
    this.plot?.push(p.t, p.relL2);
  }

  /** A point of the space-time FNO's plain or refined error. */
  plotRefine(series: 'plain' | 'refined', p: ErrorPoint): void {
    this.plot?.set(series, p.t, p.relL2);
  }

  /** Clears the space-time FNO's curves (the switch went on again). */
  clearRefine(): void {
    this.plot?.clear('plain');
    this.plot?.clear('refined');
  }

  /** The refine switch's state in the readout. */
  showRefine(text: string): void {
    this.readout.set(REFINE_KEY, text);
  }

  /** Shows the error that stopped the demo. */
  error(message: string): void {
    this.readout.error(message);
  }

  destroy(): void {
    this.plot?.destroy();
    this.field.destroy();
    this.presenters.forEach((p) => p.destroy());
    this.root.remove();
  }
}
