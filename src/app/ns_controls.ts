/** The demo's inputs: the lil-gui controls and painting vorticity with the pointer. */
import GUI from 'lil-gui';
import type { NavierStokesDemo } from './ns_options';

/** What the controls edit in place (`listen()` shows changes made elsewhere). */
export interface ControlState {
  running: boolean;
  showError: boolean;
  grid: number;
  seed: number;
}

export function controls(
  root: HTMLElement,
  state: ControlState,
  grids: readonly number[],
  demo: Pick<NavierStokesDemo, 'setGrid' | 'reseed' | 'reset'>,
  step: () => unknown,
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
  return gui;
}

/**
 * Calls `paintAt` where the pointer goes down on `canvas` (fractions of its height and width) with
 * sign -1 for the right button or with shift, +1 otherwise.
 */
export function onPaint(
  canvas: HTMLCanvasElement,
  paintAt: (at: readonly number[], sign: number) => void,
): void {
  canvas.addEventListener('contextmenu', (ev) => ev.preventDefault());
  canvas.addEventListener('pointerdown', (ev) => {
    const rect = canvas.getBoundingClientRect();
    const at = [(ev.clientY - rect.top) / rect.height, (ev.clientX - rect.left) / rect.width];
    paintAt(at, ev.button === 2 || ev.shiftKey ? -1 : 1);
  });
}

/** w plus a periodic Gaussian blob of amplitude 3 * sign centred at `at` (fractions of the side). */
export function paint(
  w: Float32Array,
  n: number,
  at: readonly number[],
  sign: number,
): Float32Array {
  const [ci, cj] = at.map((f) => f * n);
  const width2 = 2 * (n / 24) ** 2;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const di = Math.min(Math.abs(i - ci), n - Math.abs(i - ci));
      const dj = Math.min(Math.abs(j - cj), n - Math.abs(j - cj));
      w[i * n + j] += sign * 3 * Math.exp(-(di * di + dj * dj) / width2);
    }
  return w;
}
