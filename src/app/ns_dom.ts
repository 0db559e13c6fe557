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

/**
 * A horizontal colour bar from -range to +range in the panels' colours, its right end labelled
 * with what it measures; `extra` is an additional class (the error panel's smaller bar).
 */
export function colorBar(
  parent: HTMLElement,
  opts: { range: number; what: string; stops?: readonly Rgb[]; extra?: string },
): HTMLElement {
  const { range, what, stops = DIVERGING } = opts;
  const bar = document.createElement('div');
  bar.className = `wgno-ns-colorbar ${opts.extra ?? ''}`.trim();
  bar.dataset.range = String(range);
  const ramp = document.createElement('div');
  const css = stops.map((c) => `rgb(${c.map((v) => Math.round(v * 255)).join(',')})`);
  ramp.style.background = `linear-gradient(to right, ${css.join(', ')})`;
  ramp.title = `${what}, -${range} to +${range}`;
  const label = (text: string) =>
    Object.assign(document.createElement('span'), { textContent: text });
  bar.append(label(`-${range}`), ramp, label(`+${range} ${what}`));
  parent.append(bar);
  return bar;
}

/** A visible note above the panels (e.g. that the adapter is a CPU emulation of WebGPU). */
export function notice(parent: HTMLElement, text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'wgno-ns-notice';
  p.setAttribute('role', 'note');
  p.textContent = text;
  parent.append(p);
  return p;
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
