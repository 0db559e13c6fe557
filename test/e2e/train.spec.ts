/**
 * The live training page (demos/train): an FNO trains on the page's Burgers data on the browser's
 * GPU; the held-out error falls epoch after epoch and the loss curve and sample plot draw.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, expectState } from './pages';

interface TrainState {
  epoch: number;
  train: number[];
  test: number[];
}
const state = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { wgnoTrain?: TrainState }).wgnoTrain;
    return s ? { epoch: s.epoch, train: [...s.train], test: [...s.test] } : null;
  });

test('an FNO trains live: the test error falls', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.goto('/demos/train/index.html');
  await expectState(page, 'running');
  await expect
    .poll(async () => (await state(page))?.epoch ?? 0, { timeout: 240_000 })
    .toBeGreaterThanOrEqual(6);
  const s = (await state(page))!;
  for (const v of [...s.train, ...s.test]) expect(Number.isFinite(v)).toBe(true);
  // From the first epoch to the sixth the held-out relative L2 error at least halves.
  expect(s.test[5]).toBeLessThan(s.test[0] / 2);
  expect(await page.locator('#plots canvas').count()).toBeGreaterThanOrEqual(2);
  await page.screenshot({ path: testInfo.outputPath('training.png'), fullPage: true });
  expect(errors).toEqual([]);
});
