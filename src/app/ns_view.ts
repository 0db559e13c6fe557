/**
 * What the Navier-Stokes demo shows: the solver, FNO and error panels drawn straight from GPU
 * buffers (FieldView), the colour bar, the readouts and the live error plot (uPlot).
 */
import { isCpuAdapter } from '../gpu/target';
import type { Runtime } from '../runtime/runtime';
import { FieldView } from '../viz/field_view';
import { ErrorPlot } from './error_plot';
import { Readout, colorBar, fieldPanel, type Panel } from './ns_dom';
import type { DemoConfig } from './ns_options';
import type { Simulation } from './ns_simulation';
import type { DemoState, ErrorPoint } from './ns_state';
import { makePresenter, presenterFormat, type Presenter } from './presenters';
import { injectStyles } from './styles';

const READOUT = ['time', 'solver ms per time unit', 'FNO ms per time unit', 'speed-up'] as const;
const ERROR_KEY = 'FNO relative L2 error';

type ViewConfig = Pick<DemoConfig, 'range' | 'colormap' | 'plot'>;

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
    cpu: boolean,
  ) {
    injectStyles(element.ownerDocument);
    this.root = document.createElement('div');
    this.root.className = 'wgno-ns';
    element.append(this.root);
    this.panels = [
      fieldPanel(this.root, 'solver (pseudo-spectral)', 'solver'),
      fieldPanel(this.root, 'FNO', 'fno'),
      fieldPanel(this.root, 'FNO - solver', 'error'),
    ];
    this.presenters = this.panels.map((p) => makePresenter(rt, p.canvas, cpu));
    colorBar(this.root, cfg.range, cfg.colormap);
    this.readout = new Readout(this.root, [...READOUT, ERROR_KEY, 'adapter']);
    this.plot = cfg.plot ? new ErrorPlot(this.root) : null;
    const adapter = `${rt.adapterInfo.vendor} ${rt.adapterInfo.architecture}`.trim();
    this.readout.set('adapter', adapter || '(not reported)');
  }

  /** Builds the view inside `element`, presenting the way the adapter allows (see presenters.ts). */
  static async create(rt: Runtime, element: HTMLElement, cfg: ViewConfig): Promise<DemoView> {
    const cpu = isCpuAdapter(rt.adapterInfo);
    const field = await FieldView.create(rt, presenterFormat(cpu), cfg.colormap);
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
    const warm = `warming up (${recorded}/${tIn} time units of solver history)`;
    this.readout.set(ERROR_KEY, fnoLive ? fmt(stats.relL2, 4) : warm);
    this.panels[1].caption(fnoLive ? 'FNO' : `FNO (${warm})`);
  }

  /** Draws the solver's field and, once the FNO has predicted, its prediction and the error. */
  async draw(sim: Simulation, state: DemoState, showError: boolean): Promise<void> {
    const range = this.cfg.range;
    this.field.render(sim.ns.vorticity(), this.presenters[0].target(), { range });
    const shown = [this.presenters[0].present()];
    if (state.fnoLive && state.history.length > 0) {
      this.field.render(sim.prediction, this.presenters[1].target(), { range });
      shown.push(this.presenters[1].present());
      if (showError) {
        this.field.render(sim.diff, this.presenters[2].target(), { range: range / 4 });
        shown.push(this.presenters[2].present());
      }
    }
    this.panels[2].box.hidden = !showError;
    await Promise.all(shown);
  }

  plotPoint(p: ErrorPoint): void {
    this.plot?.push(p.t, p.relL2);
  }

  clearPlot(): void {
    this.plot?.clear();
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
