/**
 * End-to-end tests of the demo pages (test/e2e), run by `npm test` after Vitest.
 *
 * The dev server is the one `npm run demo` starts (vite.config.ts serves the repo root), on its own
 * port. Chromium is the system one (scripts/find-chromium.mjs; `npm test` passes CHROMIUM_PATH):
 * Playwright's own browser downloads are not available here. The launch flags are shared with
 * Vitest's browser project so both see the same WebGPU (SwiftShader on a machine without a GPU).
 */
import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/find-chromium.mjs';
import { chromiumArgs } from './vite.config';

const PORT = 4173;

export default defineConfig({
  testDir: 'test/e2e',
  // Not test-results/ itself: Playwright empties its output folder, which holds Vitest's JSON.
  outputDir: 'test-results/playwright-artifacts',
  // SwiftShader compiles and runs WGSL on the CPU: pages take seconds, not milliseconds.
  timeout: 180_000,
  expect: { timeout: 120_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || findChromium(),
      args: chromiumArgs,
    },
  },
  webServer: {
    command: `npx vite --config vite.config.ts --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/demos/index.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
