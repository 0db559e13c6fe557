/** What the demo page tests share: page errors, the page's settled state, animation checks. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Uncaught page errors, collected from now on (a test ends with `expect(errors).toEqual([])`). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/**
 * Waits until <body data-state> settles (running, done, error or no-webgpu), then checks that it
 * is `want`; a page that failed shows its #status text in the assertion.
 */
export async function expectState(page: Page, want: 'running' | 'done'): Promise<void> {
  const body = page.locator('body');
  await expect(body).toHaveAttribute('data-state', /running|done|error|no-webgpu/);
  const state = await body.getAttribute('data-state');
  expect(`${state}: ${await page.locator('#status').textContent()}`).toMatch(
    new RegExp(`^${want}:`),
  );
}

/** The element's pixels change within `timeout` ms (screenshots compared byte for byte). */
export async function expectAnimates(target: Locator, timeout = 60_000): Promise<void> {
  const before = await target.screenshot();
  await expect
    .poll(async () => (await target.screenshot()).equals(before), { timeout })
    .toBe(false);
}
