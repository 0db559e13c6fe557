/**
 * The live Navier-Stokes demo's refine switch on a CPU adapter (SwiftShader): switched on, the
 * space-time FNO predicts the 10 units after the shipped history, refines the prediction (the
 * readout counts the iterations) and the plot gains its plain and refined curves with finite
 * errors; switched off, a later window is neither predicted nor refined. The model is a tiny
 * random-weight space-time FNO (test/e2e/fixtures/ns-refiner-tiny: `new SpaceTimeFNO(rt,
 * config.model).stateDict()`, its seed in config.json) served in place of models/ns2d-refiner, so
 * the test checks the wiring, not the shipped model's accuracy, and runs in minutes on a CPU.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors, expectState } from './pages';
import { DEMO, refine, setRunning } from './ns_page';

const FIXTURE = 'test/e2e/fixtures/ns-refiner-tiny';

test('the refine switch: plain and refined curves against the solver, then off', async ({
  page,
}) => {
  test.setTimeout(900_000);
  const errors = collectErrors(page);
  await page.route('**/models/ns2d-refiner/*', (route) => {
    const file = new URL(route.request().url()).pathname.split('/').at(-1)!;
    return route.fulfill({ path: join(FIXTURE, file) });
  });
  await page.goto(`${DEMO}?refine-iterations=2`);
  await expectState(page, 'running');
  const status = page.locator('.wgno-ns-readout dd[data-key="refine (space-time FNO)"]');
  await expect(status).toHaveText('off');
  await expect(page.locator('.wgno-ns-plot .u-legend')).toContainText('refined');

  // force: the busy page (solver and FNO on the CPU) rarely gives Playwright two equal frames.
  const toggle = page.getByRole('checkbox', { name: 'refine (space-time FNO)' });
  // Paused at the end of the shipped history (t = 10), the switch starts from its 10 states.
  await setRunning(page, false);
  await page.evaluate(() =>
    (window as unknown as { wgnoDemo: { reset(): Promise<void> } }).wgnoDemo.reset(),
  );
  await toggle.check({ force: true });
  await expect.poll(async () => (await refine(page)).on, { timeout: 120_000 }).toBe(true);
  await setRunning(page, true);
  // The shipped history fills the window: the first prediction is of t = 12..21 (the next unit
  // completes the frames t = 2..11), refined while the solver goes on.
  await expect(status).toHaveText(/refin/, { timeout: 300_000 });
  await expect
    .poll(async () => (await refine(page)).refined.length, { timeout: 400_000 })
    .toBeGreaterThan(0);
  const r = await refine(page);
  expect(r.status).toMatch(/^(refined t = 12\.\.21 \(2 iterations\)|refining|solver)/);
  for (const p of [...r.plain, ...r.refined]) {
    expect(Number.isFinite(p.relL2)).toBe(true);
    expect(p.relL2).toBeGreaterThan(0);
  }
  expect(r.refined[0].t).toBe(12);
  expect(r.plain.map((p) => p.t)).toEqual(expect.arrayContaining(r.refined.map((p) => p.t)));

  await toggle.uncheck({ force: true });
  await expect(status).toHaveText('off');
  await setRunning(page, false);
  const off = await refine(page);
  expect(off).toMatchObject({ on: false, status: 'off', plain: [], refined: [] });
  expect(errors).toEqual([]);
});
