/**
 * <wgno-navier-stokes> (demos/element): the element mounts the demo from its attributes (a 64 x 64
 * grid, no controls, no plot), the solver panel animates, and removing the element frees it.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectAnimates, expectState } from './pages';

test('the custom element runs the demo and cleans up when removed', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.goto('/demos/element/index.html');
  await expectState(page, 'running');
  const el = page.locator('wgno-navier-stokes');
  expect(await el.evaluate((e) => (e as unknown as { demo: { grid: number } }).demo.grid)).toBe(64);
  await expect(el.locator('.lil-gui')).toHaveCount(0);
  await expect(el.locator('.wgno-ns-plot')).toHaveCount(0);

  await expectAnimates(el.locator('.wgno-ns-panel canvas').first(), 120_000);
  await page.screenshot({ path: testInfo.outputPath('element.png'), fullPage: true });

  // Changing the grid attribute switches the grid.
  await el.evaluate((e) => e.setAttribute('grid', '32'));
  await expect
    .poll(() => el.evaluate((e) => (e as unknown as { demo: { grid: number } }).demo.grid))
    .toBe(32);

  // Removal destroys the demo: its DOM goes and the handle is dropped.
  const removed = await el.evaluate((e) => {
    e.remove();
    return { handle: (e as unknown as { demo: unknown }).demo, children: e.children.length };
  });
  expect(removed.handle).toBeNull();
  expect(removed.children).toBe(0);
  expect(errors).toEqual([]);
});

test('the element reports a missing attribute as an event, not a crash', async ({ page }) => {
  await page.goto('/demos/element/index.html');
  await expect(page.locator('body')).toHaveAttribute('data-state', /running|error|no-webgpu/);
  const message = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const el = document.createElement('wgno-navier-stokes');
        el.setAttribute('config', 'config.json'); // no weights
        el.addEventListener('wgno-error', (e) => resolve(String((e as CustomEvent).detail)));
        document.body.append(el);
      }),
  );
  expect(message).toContain('weights=');
});
