/**
 * The live Navier-Stokes demo (demos/navier-stokes): both panels animate from GPU buffers, the
 * readouts are finite once the FNO has its 10 time units of history, painting changes the solver
 * field where the pointer went, the grid switch keeps it running; without WebGPU it says so.
 */
import { expect, test, type Page } from '@playwright/test';
import { withoutWebGpu } from './no_webgpu';
import { collectErrors, expectAnimates, expectState } from './pages';

const DEMO = '/demos/navier-stokes/index.html';

interface Stats {
  time: number;
  solverMsPerUnit: number;
  fnoMsPerUnit: number;
  relL2: number;
  frames: number;
}
const stats = (page: Page) =>
  page.evaluate(() => ({
    ...(window as unknown as { wgnoDemo: { stats: Stats } }).wgnoDemo.stats,
  }));

/** One panel's canvas (0 solver, 1 FNO, 2 error). */
const panel = (page: Page, i: number) => page.locator('.wgno-ns-panel canvas').nth(i);

test('solver and FNO animate, readouts are finite, painting and the grid switch work', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.goto(DEMO);
  await expectState(page, 'running');

  await expectAnimates(panel(page, 0));

  // The FNO starts after 10 solver time units, then predicts one per unit.
  await expect.poll(async () => (await stats(page)).time, { timeout: 240_000 }).toBeGreaterThan(12);
  const s = await stats(page);
  for (const v of [s.solverMsPerUnit, s.fnoMsPerUnit, s.relL2])
    expect(Number.isFinite(v)).toBe(true);
  // The live error plot has a point per FNO step; the last is the readout's value.
  const { history, relL2 } = await page.evaluate(() => {
    const demo = (
      window as unknown as {
        wgnoDemo: { errorHistory: { relL2: number }[]; stats: { relL2: number } };
      }
    ).wgnoDemo;
    return { history: demo.errorHistory.map((p) => p.relL2), relL2: demo.stats.relL2 };
  });
  expect(history.length).toBeGreaterThanOrEqual(2);
  for (const e of history) expect(e).toBeGreaterThan(0);
  expect(history.at(-1)).toBe(relL2);
  await expect(page.locator('.wgno-ns-plot canvas')).toHaveCount(1);
  await expectAnimates(panel(page, 1));
  await page.screenshot({ path: testInfo.outputPath('running.png'), fullPage: true });

  // Pause, paint in the middle of the solver panel: the field there changes, time restarts.
  await page.evaluate(
    () => ((window as unknown as { wgnoDemo: { running: boolean } }).wgnoDemo.running = false),
  );
  const canvas = page.locator('.wgno-ns-panel canvas').first();
  const before = await canvas.screenshot();
  await canvas.click({ position: { x: 128, y: 128 } });
  await expect.poll(async () => (await canvas.screenshot()).equals(before)).toBe(false);
  expect((await stats(page)).time).toBe(0);
  await page.screenshot({ path: testInfo.outputPath('painted.png'), fullPage: true });

  // Zero-shot on a finer grid: pick 64 in the controls and run again.
  await page.locator('.lil-gui select').selectOption({ label: '64' });
  await expect
    .poll(
      () =>
        page.evaluate(() => (window as unknown as { wgnoDemo: { grid: number } }).wgnoDemo.grid),
      {
        timeout: 120_000,
      },
    )
    .toBe(64);
  await page.evaluate(
    () => ((window as unknown as { wgnoDemo: { running: boolean } }).wgnoDemo.running = true),
  );
  await expectAnimates(panel(page, 0));
  await page.screenshot({ path: testInfo.outputPath('grid64.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the Navier-Stokes page says that WebGPU is needed without it', ({ playwright }, testInfo) =>
  withoutWebGpu(playwright, testInfo, DEMO, async (page) => {
    await expect(page.locator('body')).toHaveAttribute('data-state', 'no-webgpu');
    await expect(page.locator('#no-webgpu')).toContainText('needs WebGPU');
  }));
