/**
 * The 20-line example (demos/fno-example): the shipped FNO predicts the sample's next time unit
 * close to the solver, a user's .npy at another resolution and batch size runs, and a file with
 * the wrong number of input steps gets an error that says what the model takes.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectState } from './pages';
import { writeNpy } from '../../src/io/npy';

const PAGE = '/demos/fno-example/index.html';

function npy(shape: number[]): { name: string; mimeType: string; buffer: Buffer } {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.11));
  return {
    name: `user_${shape.join('x')}.npy`,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(writeNpy({ dtype: 'f32', shape, data })),
  };
}

test('runs the shipped FNO on the sample and on user files', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await page.goto(PAGE);
  await expectState(page, 'done');
  const status = (await page.locator('#status').textContent()) ?? '';
  const err = Number(/error against the solver ([0-9]+\.[0-9]+)/.exec(status)?.[1]);
  expect(err).toBeGreaterThan(0);
  expect(err).toBeLessThan(0.05); // the model card's one-step test error is 0.0092
  await page.screenshot({ path: testInfo.outputPath('sample.png'), fullPage: true });

  // A user's file: 2 samples on a 16 x 16 grid (zero-shot resolution).
  await page.locator('#file').setInputFiles(npy([2, 10, 16, 16]));
  await expect(page.locator('#status')).toContainText('Predicted from user_2x10x16x16.npy');
  expect(await page.locator('#prediction').evaluate((c: HTMLCanvasElement) => c.width)).toBe(16);
  await page.screenshot({ path: testInfo.outputPath('user-file.png'), fullPage: true });

  // 3 input steps where the model takes 10: a clear error, not a crash.
  await page.locator('#file').setInputFiles(npy([1, 3, 16, 16]));
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('#status')).toContainText('10');
  await page.screenshot({ path: testInfo.outputPath('wrong-file.png'), fullPage: true });
  expect(errors).toEqual([]);
});
