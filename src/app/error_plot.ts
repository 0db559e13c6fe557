/**
 * The demo's live plot of relative L2 errors against the solver over simulated time (uPlot: a
 * canvas chart that redraws thousands of points per frame without trouble): the FNO's, and with
 * the refine switch the space-time FNO's plain and refined predictions of the next 10 units.
 */
import uPlot from 'uplot';

/** The plotted curves: 1 the FNO, 2 the space-time FNO (plain), 3 its refined prediction. */
export type ErrorSeries = 'fno' | 'plain' | 'refined';
const INDEX: Record<ErrorSeries, 1 | 2 | 3> = { fno: 1, plain: 2, refined: 3 };

export class ErrorPlot {
  private readonly times: number[] = [];
  /** One array per series, aligned with times; null where a series has no point at that time. */
  private readonly values: (number | null)[][] = [[], [], []];
  private readonly plot: uPlot;
  /** Plotted series: 1, or 3 with the refine switch. */
  private readonly count: number;

  /** `refine`: also plot (and name in a legend) the space-time FNO's plain and refined errors. */
  constructor(parent: HTMLElement, width = 400, refine = false) {
    const box = document.createElement('figure');
    box.className = 'wgno-ns-plot';
    parent.append(box);
    const line = (label: string, stroke: string, dash?: number[]) => ({
      label,
      stroke,
      width: 2,
      dash,
      points: { size: 4 },
      spanGaps: true,
    });
    this.count = refine ? 3 : 1;
    const series = [{}, line('FNO vs solver', '#b2182b')];
    if (refine) series.push(line('space-time FNO', '#2166ac', [6, 4]), line('refined', '#1b7837'));
    this.plot = new uPlot(
      {
        width,
        height: 160,
        legend: { show: refine, live: false },
        cursor: { show: false },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(0.02, max)] } },
        axes: [
          { label: 'time', size: 36, stroke: 'currentColor' },
          { label: 'relative L2', size: 56, stroke: 'currentColor' },
        ],
        series,
      },
      this.data(),
      box,
    );
    const caption = document.createElement('figcaption');
    caption.textContent = refine
      ? 'Relative L2 error against the solver, per time unit: the FNO, and the space-time FNO before and after refinement'
      : 'FNO relative L2 error against the solver, per time unit';
    box.append(caption);
  }

  /** Adds the FNO's error at simulated time t and redraws. */
  push(t: number, relL2: number): void {
    this.set('fno', t, relL2);
  }

  /** Sets one series' error at simulated time t (a new time or one already plotted) and redraws. */
  set(series: ErrorSeries, t: number, relL2: number): void {
    let i = this.times.length;
    while (i > 0 && this.times[i - 1] > t) i--;
    if (this.times[i - 1] !== t) {
      this.times.splice(i, 0, t);
      for (const v of this.values) v.splice(i, 0, null);
      i++;
    }
    this.values[INDEX[series] - 1][i - 1] = relL2;
    this.plot.setData(this.data());
  }

  /** Removes every point of `series` (all of them when absent). */
  clear(series?: ErrorSeries): void {
    if (series) this.values[INDEX[series] - 1].fill(null);
    else {
      this.times.length = 0;
      for (const v of this.values) v.length = 0;
    }
    this.plot.setData(this.data());
  }

  /** The FNO's plotted points (for tests and host pages). */
  get points(): { t: number; relL2: number }[] {
    return this.pointsOf('fno');
  }

  /** One series' plotted points. */
  pointsOf(series: ErrorSeries): { t: number; relL2: number }[] {
    const v = this.values[INDEX[series] - 1];
    return this.times.flatMap((t, i) => (v[i] === null ? [] : [{ t, relL2: v[i] }]));
  }

  destroy(): void {
    this.plot.destroy();
  }

  private data(): uPlot.AlignedData {
    return [this.times, ...this.values.slice(0, this.count)] as uPlot.AlignedData;
  }
}
