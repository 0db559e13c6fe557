/**
 * The Navier-Stokes demo's layout does not move (issue 12): the space of the FNO's panel, its
 * caption, the readouts and the plot is reserved, so nothing jumps when the FNO goes live, when it
 * predicts, or when a new random field sends it back to its warm-up.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectState } from './pages';
import { DEMO, boxes, errorHistory, stats } from './ns_page';

test('nothing moves between warm-up, the FNO going live and its predictions', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(DEMO);
  await expectState(page, 'running');
  const live = await boxes(page); // the FNO live from the shipped history, not yet predicted
  expect(Object.keys(live).length).toBeGreaterThan(8);

  await expect.poll(async () => (await errorHistory(page)).length).toBeGreaterThan(0);
  await expect.poll(async () => (await stats(page)).relL2).toBeGreaterThan(0);
  expect(await boxes(page)).toEqual(live);

  // A new seed has no history: the FNO warms up (the longest caption and readout).
  await page.locator('.lil-gui button', { hasText: 'reseed' }).click();
  await expect(page.locator('.wgno-ns-panel figcaption').nth(1)).toContainText('warming up');
  await expect(page.locator('.wgno-ns-readout dd').nth(4)).toContainText('warming up');
  expect((await stats(page)).time).toBe(0);
  expect(await boxes(page)).toEqual(live);
  await page.screenshot({ path: testInfo.outputPath('warm-up.png'), fullPage: true });
  expect(errors).toEqual([]);
});
