// `npm run build`: everything under dist/, from scratch (so no stale chunk is ever packed):
//   dist/wgno.js, dist/cli.js    the Node build (the package's `node` condition) and the CLI
//   dist/browser/wgno.js         the browser build (no `webgpu`, no `node:*`: vite.config.ts)
//   dist/types/wgno.d.ts         the bundled declarations (scripts/build-types.mjs)
//   dist/site/                   the demo site, and the API reference in dist/site/api (typedoc)
//                                (--no-site: neither built nor removed; the package ships none)
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runBin } from './run-util.mjs';

const site = !process.argv.includes('--no-site');
const dist = join(repoRoot, 'dist');
const stale = existsSync(dist) ? readdirSync(dist).filter((f) => site || f !== 'site') : [];
for (const f of stale) rmSync(join(dist, f), { recursive: true, force: true });
const steps = [
  ['vite', ['build', '--logLevel', 'warn']],
  ['vite', ['build', '--mode', 'browser', '--logLevel', 'warn']],
  ...(site
    ? [
        ['vite', ['build', '--mode', 'site', '--logLevel', 'warn']],
        // The API reference into dist/site/api (typedoc.json). Warnings are printed, not fatal, and
        // type errors are left to `npm run typecheck`: neither should fail `npm ci` (prepare).
        [
          'typedoc',
          ['--treatWarningsAsErrors', 'false', '--skipErrorChecking', '--logLevel', 'Warn'],
        ],
      ]
    : []),
];
for (const [bin, args] of steps) {
  const r = await runBin(bin, args);
  if (r.code !== 0) {
    console.error(`build: ${bin} ${args.join(' ')} failed`);
    process.exit(1);
  }
}
await import('./build-types.mjs');
