/**
 * The live Navier-Stokes demo (demos/navier-stokes) on a CPU adapter (SwiftShader here): it says
 * that WebGPU is emulated on the CPU and starts on the model's 32 x 32 grid; the FNO starts from
 * the shipped solver history and predicts after one time unit instead of ten; both panels animate
 * and the readouts are finite; the error panel has its own labelled scale; a grid switch clears
 * every readout of the old grid; without WebGPU the page says so.
 */
import { expect, test, type Page } from '@playwright/test';
import { withoutWebGpu } from './no_webgpu';
import { collectErrors, expectAnimates, expectState } from './pages';
import { DEMO, errorHistory, grid, panel, setRunning, stats } from './ns_page';

const readout = (page: Page, key: string) => page.locator(`.wgno-ns-readout dd[data-key="${key}"]`);

test('on a CPU adapter: a notice, the 32 grid, the FNO live after one time unit', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const t0 = Date.now();
  await page.goto(DEMO);
  await expectState(page, 'running');

  const notice = page.locator('.wgno-ns-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('is a CPU emulation of WebGPU');
  await expect(notice).toContainText('32 x 32');
  expect(await grid(page)).toBe(32);
  await expect(page.locator('.lil-gui select')).toHaveValue('32');

  // The shipped history (t = 1..10) fills the FNO's window: it is live from the start, its panel
  // shows the state it starts from, and its first prediction is for t = 11.
  expect((await stats(page)).time).toBe(10);
  await expect(page.locator('.wgno-ns-panel figcaption').nth(1)).toHaveText('FNO');
  await expect
    .poll(async () => (await errorHistory(page)).length, { timeout: 90_000 })
    .toBeGreaterThan(0);
  testInfo.annotations.push({
    type: 'first FNO prediction',
    description: `${((Date.now() - t0) / 1000).toFixed(1)} s after navigation`,
  });
  expect((await errorHistory(page))[0].t).toBe(11);
  await expect.poll(async () => (await errorHistory(page)).length).toBeGreaterThanOrEqual(2);
  const s = await stats(page);
  for (const v of [s.solverMsPerUnit, s.fnoMsPerUnit, s.relL2])
    expect(Number.isFinite(v)).toBe(true);
  const history = await errorHistory(page);
  for (const e of history) expect(e.relL2).toBeGreaterThan(0);
  expect(history.at(-1)!.relL2).toBe((await stats(page)).relL2);
  await expect(page.locator('.wgno-ns-plot canvas')).toHaveCount(1);
  await expectAnimates(panel(page, 1));

  // The error panel's own scale (a quarter of the fields' by default), labelled; the fields' bar
  // says what it measures.
  const errorBar = page.locator('.wgno-ns-panel[data-panel="error"] .wgno-ns-colorbar');
  await expect(errorBar).toBeVisible();
  await expect(errorBar).toHaveText(/^-0\.5\s*\+0\.5 error$/);
  await expect(page.locator('.wgno-ns > .wgno-ns-colorbar')).toHaveText(
    /^-2\s*\+2 vorticity \(solver, FNO\)$/,
  );
  await page.screenshot({ path: testInfo.outputPath('running.png'), fullPage: true });

  // Zero-shot on a finer grid: every readout of the 32 grid goes; the history restarts the FNO at
  // t = 10 on the new grid.
  await setRunning(page, false);
  await page.locator('.lil-gui select').selectOption({ label: '64' });
  await expect.poll(() => grid(page), { timeout: 120_000 }).toBe(64);
  const fresh = await stats(page);
  expect(fresh.time).toBe(10);
  for (const v of [fresh.solverMsPerUnit, fresh.fnoMsPerUnit, fresh.relL2])
    expect(Number.isNaN(v)).toBe(true);
  for (const key of ['solver ms per time unit', 'FNO ms per time unit', 'speed-up'])
    await expect(readout(page, key)).toHaveText('-');
  await expect(readout(page, 'time')).toHaveText('10');
  expect(await errorHistory(page)).toEqual([]);
  await setRunning(page, true);
  await expectAnimates(panel(page, 0));
  await expect
    .poll(async () => (await stats(page)).solverMsPerUnit, { timeout: 120_000 })
    .toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('grid64.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the Navier-Stokes page says that WebGPU is needed without it', ({ playwright }, testInfo) =>
  withoutWebGpu(playwright, testInfo, DEMO, async (page) => {
    await expect(page.locator('body')).toHaveAttribute('data-state', 'no-webgpu');
    await expect(page.locator('#no-webgpu')).toContainText('needs WebGPU');
  }));
