/**
 * The production build of the demo site (`vite build --mode site`, part of `npm run build`),
 * served by a plain static file server under a sub-path, as on any static host: the pages load
 * their scripts, the shipped model and their data through relative URLs only.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAnimates, expectState } from './pages';

const SUB = '/some/sub/path/wgno/';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

let dir = '';
let server: Server;
let base = '';

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wgno-site-'));
  const vite = join(import.meta.dirname, '../../node_modules/vite/bin/vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--mode', 'site', '--outDir', dir], {
    cwd: join(import.meta.dirname, '../..'),
    encoding: 'utf8',
  });
  expect(build.status, build.stderr).toBe(0);
  // Only files under SUB exist; anything the site asks for outside it is a 404.
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const file = path.startsWith(SUB) ? normalize(join(dir, path.slice(SUB.length))) : '';
    const target =
      file && existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
    if (!target.startsWith(dir) || !existsSync(target)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
    createReadStream(target).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}${SUB}`;
});

test.afterAll(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the built site runs under a sub-path', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const failed: string[] = [];
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  page.on('pageerror', (e) => failed.push(e.message));

  await page.goto(base); // the site's index forwards to the Navier-Stokes demo
  await expect(page).toHaveURL(/demos\/navier-stokes\/index\.html$/);
  await expectState(page, 'running');
  await expectAnimates(page.locator('.wgno-ns-panel canvas').first());
  // The shipped solver history came too: the FNO is live from the start.
  await expect(page.locator('.wgno-ns-panel figcaption').nth(1)).toHaveText('FNO');
  await page.screenshot({ path: testInfo.outputPath('site-navier-stokes.png'), fullPage: true });

  await page.goto(`${base}demos/fno-example/index.html`);
  await expectState(page, 'done');
  await page.screenshot({ path: testInfo.outputPath('site-fno-example.png'), fullPage: true });
  expect(failed).toEqual([]);
});
