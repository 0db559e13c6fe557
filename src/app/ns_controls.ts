/** The demo's inputs: the lil-gui controls and painting vorticity with the pointer (click or drag). */
import GUI from 'lil-gui';
import type { NavierStokesDemo } from './ns_options';

/** What the controls edit in place (`listen()` shows changes made elsewhere). */
export interface ControlState {
  running: boolean;
  showError: boolean;
  grid: number;
  seed: number;
  /** The refine switch (shown only when the demo has a refiner). */
  refine: boolean;
}

export function controls(
  root: HTMLElement,
  state: ControlState,
  grids: readonly number[],
  demo: Pick<NavierStokesDemo, 'setGrid' | 'reseed' | 'reset' | 'setRefine'>,
  step: () => unknown,
  refine: boolean,
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
  if (refine)
    gui
      .add(state, 'refine')
      .name('refine (space-time FNO)')
      .listen()
      .onChange((on: boolean) => void demo.setRefine(on));
  return gui;
}

/** One dab of paint: where (fractions of the side: row, column) and which sign of vorticity. */
export interface Stroke {
  at: readonly number[];
  sign: number;
}

/** A dab's Gaussian has standard deviation n / 24; dabs two of those apart merge into a line. */
const SIGMA = 1 / 24;
const SPACING = 2 * SIGMA;

/**
 * Calls `paintAt` where the pointer goes down on `canvas` and every SPACING along a drag, with
 * sign -1 for the right button or with shift, +1 otherwise.
 */
export function onPaint(canvas: HTMLCanvasElement, paintAt: (s: Stroke) => void): void {
  let last: number[] | null = null;
  let sign = 1;
  const where = (ev: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    const clamp = (f: number) => Math.min(1, Math.max(0, f)); // the pointer is captured
    return [
      clamp((ev.clientY - rect.top) / rect.height),
      clamp((ev.clientX - rect.left) / rect.width),
    ];
  };
  canvas.addEventListener('contextmenu', (ev) => ev.preventDefault());
  canvas.addEventListener('pointerdown', (ev) => {
    canvas.setPointerCapture(ev.pointerId);
    sign = ev.button === 2 || ev.shiftKey ? -1 : 1;
    last = where(ev);
    paintAt({ at: last, sign });
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const at = where(ev);
    const dist = Math.hypot(at[0] - last[0], at[1] - last[1]);
    const dabs = Math.floor(dist / SPACING);
    const from = last;
    const towards = (f: number) => [0, 1].map((a) => from[a] + f * (at[a] - from[a]));
    // Evenly spaced dabs from the last one towards the pointer: a fast drag leaves no gaps.
    for (let k = 1; k <= dabs; k++) paintAt({ at: towards((k * SPACING) / dist), sign });
    if (dabs > 0) last = towards((dabs * SPACING) / dist);
  });
  const end = () => (last = null);
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}

/** w plus, for each stroke, a periodic Gaussian dab of amplitude 3 * sign (in place). */
export function paint(w: Float32Array, n: number, strokes: readonly Stroke[]): Float32Array {
  const width2 = 2 * (SIGMA * n) ** 2;
  for (const { at, sign } of strokes) {
    const [ci, cj] = at.map((f) => f * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const di = Math.min(Math.abs(i - ci), n - Math.abs(i - ci));
        const dj = Math.min(Math.abs(j - cj), n - Math.abs(j - cj));
        w[i * n + j] += sign * 3 * Math.exp(-(di * di + dj * dj) / width2);
      }
  }
  return w;
}
