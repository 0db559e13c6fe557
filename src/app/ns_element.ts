/**
 * `<wgno-navier-stokes>`: the live Navier-Stokes demo as a custom element, for pages that would
 * rather write HTML than call `mountNavierStokes`.
 *
 * Attributes (read when the element is connected; changing `grid` later switches the grid):
 *   weights, config   URLs of the FNO weights (safetensors) and its config.json (required)
 *   history           URL of a short solver history (history.safetensors beside the weights), so
 *                     the FNO predicts from the first time unit (optional)
 *   grid              grid side (default 64 on a GPU, 32 on a CPU adapter); grids: comma-separated choices for the controls
 *   dt, substeps, seed, range
 *   controls, plot    "false" hides the lil-gui controls or the error plot
 * Events: `ready` (detail: the NavierStokesDemo handle, also on `.demo`) and `wgno-error`
 * (detail: the Error). Removing the element from the page frees every GPU resource.
 *
 * @example
 * <script type="module">
 *   import { defineNavierStokesElement } from 'wgno';
 *   defineNavierStokesElement();
 * </script>
 * <wgno-navier-stokes weights="model/weights.safetensors" config="model/config.json" grid="64">
 * </wgno-navier-stokes>
 */
import { WgnoError } from '../errors';
import { mountNavierStokes, type NavierStokesDemo, type NavierStokesDemoOptions } from './ns_demo';

function numberAttr(el: HTMLElement, name: string): number | undefined {
  const v = el.getAttribute(name);
  if (v === null) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x))
    throw new WgnoError('wgno-navier-stokes', `attribute ${name}="${v}" is not a number`);
  return x;
}

/** The element's options from its attributes. */
export function optionsFromAttributes(el: HTMLElement): NavierStokesDemoOptions {
  const weightsUrl = el.getAttribute('weights');
  const configUrl = el.getAttribute('config');
  if (!weightsUrl || !configUrl)
    throw new WgnoError(
      'wgno-navier-stokes',
      'needs the attributes weights="...safetensors" and config="...config.json"',
    );
  const grids = el.getAttribute('grids');
  const opts: NavierStokesDemoOptions = {
    weightsUrl: new URL(weightsUrl, el.baseURI).href,
    configUrl: new URL(configUrl, el.baseURI).href,
    controls: el.getAttribute('controls') !== 'false',
    plot: el.getAttribute('plot') !== 'false',
  };
  const history = el.getAttribute('history');
  if (history) opts.historyUrl = new URL(history, el.baseURI).href;
  if (grids !== null) opts.grids = grids.split(',').map((g) => Number(g.trim()));
  for (const k of ['grid', 'dt', 'substeps', 'seed', 'range'] as const) {
    const v = numberAttr(el, k);
    if (v !== undefined) opts[k] = v;
  }
  return opts;
}

/** A `<wgno-navier-stokes>` element. */
export interface NavierStokesElement extends HTMLElement {
  /** The running demo, once `ready` has fired; null before and after. */
  readonly demo: NavierStokesDemo | null;
}

// Made on first use: HTMLElement does not exist in Node, where this module is also imported.
function elementClass(): CustomElementConstructor {
  return class extends HTMLElement implements NavierStokesElement {
    static readonly observedAttributes = ['grid'];
    demo: NavierStokesDemo | null = null;
    /** Counts connections, so a mount that finishes after removal knows it is stale. */
    private generation = 0;
    private connected = false;

    connectedCallback(): void {
      if (this.connected) return;
      this.connected = true;
      void this.mount(++this.generation).catch((e: unknown) => this.fail(e));
    }

    private async mount(generation: number): Promise<void> {
      const demo = await mountNavierStokes(this, optionsFromAttributes(this));
      if (generation !== this.generation || !this.connected) {
        demo.destroy(); // removed from the page while loading
        return;
      }
      this.demo = demo;
      this.dispatchEvent(new CustomEvent('ready', { detail: demo }));
    }

    private fail(e: unknown): void {
      this.dispatchEvent(new CustomEvent('wgno-error', { detail: e }));
    }

    disconnectedCallback(): void {
      this.connected = false;
      this.generation++;
      this.demo?.destroy();
      this.demo = null;
    }

    attributeChangedCallback(name: string, old: string | null, value: string | null): void {
      if (name === 'grid' && this.demo && value !== null && value !== old)
        this.demo.setGrid(Number(value)).catch((e: unknown) => this.fail(e));
    }
  };
}

/** Registers `<wgno-navier-stokes>` (or `tag`); a second call with the same tag does nothing. */
export function defineNavierStokesElement(tag = 'wgno-navier-stokes'): void {
  if (!customElements.get(tag)) customElements.define(tag, elementClass());
}
