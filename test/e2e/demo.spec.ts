/**
 * The demo index page (demos/index.html): with WebGPU it shows the adapter and trains the MLP to a
 * lower loss; without WebGPU it says what is needed instead of showing a blank page.
 */
import { expect, test, type Page } from '@playwright/test';
import { withoutWebGpu } from './no_webgpu';

const DEMO = '/demos/index.html';

/** Every number in one column of a results table (the header row excluded). */
async function column(page: Page, table: string, index: number): Promise<number[]> {
  const cells = await page
    .locator(`#${table} tbody tr td:nth-child(${index + 1})`)
    .allTextContents();
  return cells.map(Number);
}

test('trains the MLP on WebGPU and shows the adapter, the step and a falling loss', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(DEMO);

  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error|no-webgpu/);
  expect(errors).toEqual([]);
  await expect(page.locator('#status')).toContainText('Done');

  // The adapter the page shows is the one the browser gives (SwiftShader on a machine without a
  // GPU); the report names it.
  const shown = await page.locator('#architecture').textContent();
  // GPUAdapterInfo's fields are getters: copy them, or they do not cross to the test.
  const actual = await page.evaluate(async () => {
    const info = (await navigator.gpu.requestAdapter())?.info;
    return { vendor: info?.vendor, architecture: info?.architecture };
  });
  expect(shown).toBe(actual?.architecture || '(not reported)');
  await expect(page.locator('#vendor')).toHaveText(actual?.vendor || '(not reported)');
  testInfo.annotations.push({ type: 'adapter', description: `${actual?.vendor} / ${shown}` });

  // One planned step: several dispatches, one submit per step.
  const dispatches = Number(await page.locator('#dispatches').textContent());
  expect(dispatches).toBeGreaterThan(10);
  await expect(page.locator('#submits')).toHaveText('1');

  const steps = await column(page, 'loss', 0);
  const losses = await column(page, 'loss', 1);
  expect(steps[0]).toBe(1);
  expect(steps.at(-1)).toBe(200);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(0.1 * losses[0]);

  const preds = await column(page, 'predictions', 2);
  expect(preds.length).toBeGreaterThan(0);
  expect(preds.every(Number.isFinite)).toBe(true);

  const shot = testInfo.outputPath('demo.png');
  await page.screenshot({ path: shot, fullPage: true });
});

test('says that WebGPU is needed when Chromium runs without --enable-unsafe-webgpu', ({
  playwright,
}, testInfo) =>
  withoutWebGpu(playwright, testInfo, DEMO, async (page) => {
    await expect(page.locator('body')).toHaveAttribute('data-state', 'no-webgpu');
    const alert = page.locator('#no-webgpu');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('needs WebGPU');
    await expect(page.locator('#device')).toBeHidden();
  }));
