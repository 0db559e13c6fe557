/** Opens `url` in a Chromium launched without --enable-unsafe-webgpu (no WebGPU on Linux). */
import type { Browser, Page, PlaywrightWorkerArgs, TestInfo } from '@playwright/test';
import { chromiumArgs } from '../../vite.config';

export async function withoutWebGpu(
  playwright: PlaywrightWorkerArgs['playwright'],
  testInfo: TestInfo,
  url: string,
  check: (page: Page) => Promise<void>,
): Promise<void> {
  const browser: Browser = await playwright.chromium.launch({
    ...testInfo.project.use.launchOptions,
    args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu'),
  });
  try {
    const page = await browser.newPage({ baseURL: testInfo.project.use.baseURL });
    await page.goto(url);
    await check(page);
    await page.screenshot({ path: testInfo.outputPath('no-webgpu.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}
