/**
 * Painting into the running Navier-Stokes demo (issue 12): a drag leaves a stroke of vorticity in
 * the solver's field and in the FNO's state while the simulation runs on; nothing restarts, and the
 * FNO keeps predicting from the painted state.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectState } from './pages';
import { DEMO, errorHistory, panel, row, saturatedRed, setRunning, stats } from './ns_page';

test('a drag paints a stroke into the running simulation; time and the FNO go on', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.goto(DEMO);
  await expectState(page, 'running');
  // The FNO has predicted once, so its panel and the error history are live.
  await expect.poll(async () => (await errorHistory(page)).length).toBeGreaterThan(0);
  const before = await stats(page);
  const history0 = await errorHistory(page);

  expect(saturatedRed(await row(page, 0, 128), 80, 176)).toBeLessThan(20);
  // A positive stroke (amplitude ~3.8 > the colour range 2) across the middle row, dragged while
  // the simulation runs.
  const box = (await panel(page, 0).boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 0.25 * box.width, y);
  await page.mouse.down();
  for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + (0.25 + 0.05 * k) * box.width, y);
  await page.mouse.up();
  // The next frame takes the strokes; stop right after it to look at them.
  const frames = (await stats(page)).frames;
  await expect.poll(async () => (await stats(page)).frames).toBeGreaterThan(frames + 1);
  await setRunning(page, false);
  await page.waitForTimeout(500);
  await page.screenshot({ path: testInfo.outputPath('painted.png'), fullPage: true });

  // The stroke is in the solver's field and in the FNO's state (its panel shows the window's
  // last plane), where the drag went: along the middle row from 1/4 to 3/4 of the width.
  for (const i of [0, 1]) {
    const pixels = await row(page, i, 128);
    expect(saturatedRed(pixels, 80, 176), `panel ${i}`).toBeGreaterThan(40);
  }
  // No restart: the time went on and the error history kept its points.
  const after = await stats(page);
  expect(after.time).toBeGreaterThanOrEqual(before.time);
  expect((await errorHistory(page)).slice(0, history0.length)).toEqual(history0);

  // The FNO predicts on from the painted state: two more units, with errors well below those of a
  // window without the stroke.
  await setRunning(page, true);
  const n0 = (await errorHistory(page)).length;
  await expect
    .poll(async () => (await errorHistory(page)).length, { timeout: 120_000 })
    .toBeGreaterThanOrEqual(n0 + 2);
  const history = await errorHistory(page);
  expect(history[0]).toEqual(history0[0]);
  history.forEach((p, k) => k > 0 && expect(p.t).toBe(history[k - 1].t + 1));
  const painted = history.slice(n0);
  testInfo.annotations.push({
    type: 'FNO relative L2 after the stroke',
    description: painted.map((p) => `t = ${p.t}: ${p.relL2.toFixed(4)}`).join(', '),
  });
  // Measured on SwiftShader: 0.26 to 0.33 for the first units after the stroke (the model never
  // saw strokes: its training fields are smooth random ones), against 0.50 to 0.57 when the
  // window misses the stroke and 0.36 to 0.39 when only its last plane has it.
  for (const p of painted) expect(p.relL2).toBeLessThan(0.4);
  await page.screenshot({ path: testInfo.outputPath('predicted.png'), fullPage: true });
  expect(errors).toEqual([]);
});
