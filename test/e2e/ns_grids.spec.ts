/**
 * The Navier-Stokes demo on the finer grids the controls offer (issue 12): at 128 x 128 and
 * 256 x 256 the solver runs, the FNO starts at once from the shipped history (resampled to the
 * grid) and predicts.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, expectAnimates, expectState } from './pages';
import { DEMO, errorHistory, grid, panel, stats } from './ns_page';

async function switchTo(page: Page, n: number): Promise<void> {
  await page.locator('.lil-gui select').selectOption({ label: String(n) });
  await expect.poll(() => grid(page), { timeout: 120_000 }).toBe(n);
}

for (const n of [128, 256])
  test(`the ${n} x ${n} grid runs the solver and the FNO`, async ({ page }, testInfo) => {
    test.setTimeout(600_000);
    const errors = collectErrors(page);
    await page.goto(DEMO);
    await expectState(page, 'running');
    await switchTo(page, n);
    const t0 = Date.now();
    expect((await stats(page)).time).toBe(10);
    await expect(page.locator('.wgno-ns-panel figcaption').nth(1)).toHaveText('FNO');
    await expectAnimates(panel(page, 0), 120_000);
    await expect
      .poll(async () => (await errorHistory(page)).length, { timeout: 500_000 })
      .toBeGreaterThan(0);
    const [first] = await errorHistory(page);
    testInfo.annotations.push({
      type: `grid ${n}`,
      description: `first FNO step ${first.relL2.toFixed(4)} after ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    });
    expect(first.t).toBe(11);
    expect(first.relL2).toBeLessThan(0.05);
    await page.screenshot({ path: testInfo.outputPath(`grid${n}.png`), fullPage: true });
    expect(errors).toEqual([]);
  });
