#!/usr/bin/env node
// The `wgno` command: a thin launcher for dist/cli.js (built by `npm run build`, which `npm ci`
// runs through the prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('wgno: dist/cli.js is missing; run `npm run build` in the wgno package first');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
