/** The demo component's DOM: field panels, colour bar, readouts and an error line. */
import { DIVERGING, type Rgb } from '../viz/field_view';

export interface Panel {
  readonly canvas: HTMLCanvasElement;
  readonly box: HTMLElement;
  caption(text: string): void;
}

/** A titled 256x256 canvas (the presenter's copy path needs rows of a multiple of 256 bytes). */
export function fieldPanel(parent: HTMLElement, title: string, key: string): Panel {
  const box = document.createElement('figure');
  box.className = 'wgno-ns-panel';
  box.dataset.panel = key;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 256;
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  box.append(canvas, caption);
  parent.append(box);
  return { canvas, box, caption: (text) => (caption.textContent = text) };
}

/** A horizontal colour bar from -range to +range in the panels' colours. */
export function colorBar(
  parent: HTMLElement,
  range: number,
  stops: readonly Rgb[] = DIVERGING,
): void {
  const bar = document.createElement('div');
  bar.className = 'wgno-ns-colorbar';
  const ramp = document.createElement('div');
  const css = stops.map((c) => `rgb(${c.map((v) => Math.round(v * 255)).join(',')})`);
  ramp.style.background = `linear-gradient(to right, ${css.join(', ')})`;
  ramp.title = 'vorticity (the error panel uses a quarter of this range)';
  const label = (text: string) =>
    Object.assign(document.createElement('span'), { textContent: text });
  bar.append(label(`-${range}`), ramp, label(`+${range} vorticity`));
  parent.append(bar);
}

/** A definition list of named values, updated in place; each value's <dd> has data-key. */
export class Readout {
  private readonly values = new Map<string, HTMLElement>();
  constructor(
    private readonly parent: HTMLElement,
    keys: readonly string[],
  ) {
    const dl = document.createElement('dl');
    dl.className = 'wgno-ns-readout';
    for (const k of keys) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.dataset.key = k;
      this.values.set(k, dd);
      dl.append(dt, dd);
    }
    parent.append(dl);
  }

  set(key: string, text: string): void {
    const dd = this.values.get(key);
    if (dd && dd.textContent !== text) dd.textContent = text;
  }

  /** Shows an error that stopped the demo (device lost, a failed step). */
  error(message: string): void {
    const p = document.createElement('p');
    p.className = 'wgno-ns-error';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    this.parent.append(p);
  }
}
