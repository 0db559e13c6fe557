/**
 * The demo's live plot of the FNO's relative L2 error against the solver over simulated time
 * (uPlot: a canvas chart that redraws thousands of points per frame without trouble).
 */
import uPlot from 'uplot';

export class ErrorPlot {
  private readonly times: number[] = [];
  private readonly errors: number[] = [];
  private readonly plot: uPlot;

  constructor(parent: HTMLElement, width = 400) {
    const box = document.createElement('figure');
    box.className = 'wgno-ns-plot';
    parent.append(box);
    this.plot = new uPlot(
      {
        width,
        height: 160,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(0.02, max)] } },
        axes: [
          { label: 'time', size: 36, stroke: 'currentColor' },
          { label: 'relative L2', size: 56, stroke: 'currentColor' },
        ],
        series: [{}, { label: 'FNO vs solver', stroke: '#b2182b', width: 2, points: { size: 4 } }],
      },
      [this.times, this.errors],
      box,
    );
    const caption = document.createElement('figcaption');
    caption.textContent = 'FNO relative L2 error against the solver, per time unit';
    box.append(caption);
  }

  /** Adds the error at simulated time t and redraws. */
  push(t: number, relL2: number): void {
    this.times.push(t);
    this.errors.push(relL2);
    this.plot.setData([this.times, this.errors]);
  }

  clear(): void {
    this.times.length = 0;
    this.errors.length = 0;
    this.plot.setData([this.times, this.errors]);
  }

  /** The plotted points (for tests and host pages). */
  get points(): { t: number; relL2: number }[] {
    return this.times.map((t, i) => ({ t, relL2: this.errors[i] }));
  }

  destroy(): void {
    this.plot.destroy();
  }
}
