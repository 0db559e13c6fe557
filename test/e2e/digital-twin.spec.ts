/**
 * The digital-twin demo (demos/digital-twin/): the physics-informed fit identifies the damping
 * from noisy measurements on the page's GPU, and changing the true damping restarts the fit,
 * which converges to the new value.
 */
import { expect, test, type Page } from '@playwright/test';

interface Twin {
  run: number;
  iteration: number;
  c: number;
  cTrue: number;
  loss: number;
}
const twin = (page: Page) =>
  page.evaluate(() => (window as unknown as { wgnoTwin?: Twin }).wgnoTwin ?? null);

/** Wait until run `run` has done `iterations`, and return its state. */
async function after(page: Page, run: number, iterations: number): Promise<Twin> {
  await expect
    .poll(
      async () => {
        const t = await twin(page);
        return t && t.run === run ? t.iteration : 0;
      },
      { timeout: 400_000 },
    ) // SwiftShader: ~0.1 s per iteration on a busy CPU
    .toBeGreaterThanOrEqual(iterations);
  return (await twin(page))!;
}

test('identifies the damping from noisy measurements, and again after the user changes it', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/demos/digital-twin/index.html?c=0.5&noise=0.01&seed=0');
  await expect(page.locator('body')).toHaveAttribute('data-state', /running|error|no-webgpu/);
  expect(errors).toEqual([]);
  const first = await after(page, 1, 1000);
  expect(Number.isFinite(first.loss)).toBe(true);
  expect(Math.abs(first.c - 0.5)).toBeLessThan(0.1); // from the initial guess 0.1

  // the user sets the true damping to 1.2: new measurements, a new fit
  const input = page.locator('#controls input').first();
  await input.fill('1.2');
  await input.press('Enter');
  const second = await after(page, 2, 1000);
  expect(second.cTrue).toBe(1.2);
  expect(Math.abs(second.c - 1.2)).toBeLessThan(0.2);
  expect(errors).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('digital-twin.png'), fullPage: true });
});
