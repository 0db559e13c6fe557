/** What the Navier-Stokes demo tests read from the page: the demo handle, its panels' pixels, boxes. */
import type { Page } from '@playwright/test';
import type { DemoStats } from '../../src/app/ns_options';

export const DEMO = '/demos/navier-stokes/index.html';

export type Stats = DemoStats;

interface Handle {
  stats: Stats;
  errorHistory: { t: number; relL2: number }[];
  running: boolean;
  grid: number;
}

/** A copy of the demo's readouts (NaN survives as null: JSON). */
export const stats = (page: Page): Promise<Stats> =>
  page.evaluate(() => ({ ...(window as unknown as { wgnoDemo: Handle }).wgnoDemo.stats }));

export const errorHistory = (page: Page): Promise<{ t: number; relL2: number }[]> =>
  page.evaluate(() => [...(window as unknown as { wgnoDemo: Handle }).wgnoDemo.errorHistory]);

export const grid = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { wgnoDemo: Handle }).wgnoDemo.grid);

export const setRunning = (page: Page, running: boolean): Promise<void> =>
  page.evaluate((r) => {
    (window as unknown as { wgnoDemo: Handle }).wgnoDemo.running = r;
  }, running);

/** One panel's canvas (0 solver, 1 FNO, 2 error). */
export const panel = (page: Page, i: number) => page.locator('.wgno-ns-panel canvas').nth(i);

/** The rgb of every pixel of row `y` of panel `i` (the CPU presenter draws into a 2-D canvas). */
export const row = (page: Page, i: number, y: number): Promise<number[][]> =>
  page.evaluate(
    ([i, y]) => {
      const c = document.querySelectorAll<HTMLCanvasElement>('.wgno-ns-panel canvas')[i];
      const d = c.getContext('2d')!.getImageData(0, y, c.width, 1).data;
      return Array.from({ length: c.width }, (_, x) => [d[4 * x], d[4 * x + 1], d[4 * x + 2]]);
    },
    [i, y],
  );

/** Pixels within 3 of the colour map's +range end (#b2182b), between x0 and x1. */
export function saturatedRed(pixels: number[][], x0: number, x1: number): number {
  const red = [178, 24, 43];
  return pixels.slice(x0, x1).filter((p) => p.every((v, c) => Math.abs(v - red[c]) <= 3)).length;
}

/** The page boxes (page coordinates) of the demo's parts (panels, bars, readout, plot), to compare layouts. */
export const boxes = (page: Page): Promise<Record<string, number[]>> =>
  page.evaluate(() => {
    const out: Record<string, number[]> = {};
    const parts = document.querySelectorAll('.wgno-ns > *, .wgno-ns-panel > *, .more');
    parts.forEach((el, k) => {
      // Page coordinates: clicking a control may scroll it into view, which is not a layout move.
      const r = el.getBoundingClientRect();
      const [x, y] = [r.x + window.scrollX, r.y + window.scrollY];
      out[`${k} ${el.className || el.tagName}`] = [x, y, r.width, r.height].map(Math.round);
    });
    return out;
  });

/** The refine switch's readouts: its state in words and the plain and refined errors so far. */
export const refine = (
  page: Page,
): Promise<{
  on: boolean;
  status: string;
  plain: { t: number; relL2: number }[];
  refined: { t: number; relL2: number }[];
}> =>
  page.evaluate(() => {
    type RefineHandle = {
      refining: boolean;
      refineStatus: string;
      refineHistory: {
        plain: { t: number; relL2: number }[];
        refined: { t: number; relL2: number }[];
      };
    };
    const d = (window as unknown as { wgnoDemo: RefineHandle }).wgnoDemo;
    const h = d.refineHistory;
    return { on: d.refining, status: d.refineStatus, plain: [...h.plain], refined: [...h.refined] };
  });
