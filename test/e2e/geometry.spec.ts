/**
 * The geometry page (demos/geometry): the shipped Poisson model predicts u on a random cloud;
 * clicking adds a point and the prediction follows; a malformed upload shows its error line.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, expectState } from './pages';

interface GeometryState {
  points: number;
  runs: number;
  prediction: number[];
  relL2: number;
}
const state = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { wgnoGeometry?: GeometryState }).wgnoGeometry;
    return s ? { ...s, prediction: [...s.prediction] } : null;
  });

test('predicts on the cloud, follows a drawn point, reports a bad upload', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.goto('/demos/geometry/index.html?points=150');
  await expectState(page, 'done');
  const first = (await state(page))!;
  expect(first.points).toBe(150);
  expect(first.prediction).toHaveLength(150);
  expect(first.prediction.every(Number.isFinite)).toBe(true);
  expect(Math.max(...first.prediction.map(Math.abs))).toBeGreaterThan(0);
  expect(first.relL2).toBeGreaterThan(0);
  await expect(page.locator('#status')).toContainText('relative L2 error');

  // A click inside the unit square (the canvas centre is (0.5, 0.5)) adds a point.
  const pred = page.locator('#pred');
  const before = await pred.screenshot();
  await pred.click({ position: { x: 140, y: 140 } });
  await expect
    .poll(async () => (await state(page))!.runs, { timeout: 120_000 })
    .toBe(first.runs + 1);
  const second = (await state(page))!;
  expect(second.points).toBe(151);
  expect(second.prediction).toHaveLength(151);
  // The new point joins every neighbourhood around it: the old points' values move too.
  expect(second.prediction.slice(0, 150)).not.toEqual(first.prediction);
  expect((await pred.screenshot()).equals(before)).toBe(false);

  await page.locator('#upload').setInputFiles({
    name: 'cloud.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x,y\n0.1,0.2\n0.3,oops\n0.5,0.5\n'),
  });
  const line = page.locator('#upload-error');
  await expect(line).toBeVisible();
  await expect(line).toHaveText(/line 3: "0.3,oops" is not x,y or x,y,f/);
  expect((await state(page))!.points).toBe(151); // the cloud is unchanged
  await page.screenshot({ path: testInfo.outputPath('geometry.png'), fullPage: true });

  // The same page runs the shipped GAOT (models/poisson-gaot) on a cloud.
  await page.goto('/demos/geometry/index.html?points=120&model=poisson-gaot');
  await expectState(page, 'done');
  const gaot = (await state(page))!;
  expect(gaot.prediction).toHaveLength(120);
  expect(gaot.prediction.every(Number.isFinite)).toBe(true);
  expect(errors).toEqual([]);
});
