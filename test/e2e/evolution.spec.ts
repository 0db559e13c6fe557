/**
 * The neuroevolution page (demos/evolution): the GA evolves CartPole policies on the browser's
 * GPU; generations advance, the mean return rises, the return curve draws and the cart-pole
 * canvas animates the best member's episode.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, expectAnimates, expectState } from './pages';

interface EvolutionState {
  generation: number;
  best: number[];
  mean: number[];
}
const state = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { wgnoEvolution?: EvolutionState }).wgnoEvolution;
    return s ? { generation: s.generation, best: [...s.best], mean: [...s.mean] } : null;
  });

test('the GA evolves CartPole policies live: the mean return rises', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.goto('/demos/evolution/index.html?population=64');
  await expectState(page, 'running');
  await expect
    .poll(async () => (await state(page))?.generation ?? 0, { timeout: 240_000 })
    .toBeGreaterThanOrEqual(5);
  const s = (await state(page))!;
  for (const v of [...s.best, ...s.mean]) expect(v).toBeGreaterThanOrEqual(1);
  for (const v of s.best) expect(v).toBeLessThanOrEqual(500);
  // Seeded: the population's mean return after four generations of selection beats the first.
  expect(Math.max(...s.mean.slice(1, 5))).toBeGreaterThan(s.mean[0]);
  expect(await page.locator('#plots canvas').count()).toBeGreaterThanOrEqual(2);
  await expectAnimates(page.locator('#cart'));
  await page.screenshot({ path: testInfo.outputPath('evolution.png'), fullPage: true });
  expect(errors).toEqual([]);
});
