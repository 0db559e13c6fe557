// Small helpers shared by scripts/test.mjs and scripts/bench.mjs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of a locally installed CLI (node_modules/.bin/NAME), or null. */
export function localBin(name) {
  const p = join(repoRoot, 'node_modules', '.bin', name);
  return existsSync(p) ? p : null;
}

/**
 * Runs a local CLI (like `npx NAME ...args`, without npx's own chatter) with inherited stdio.
 * Resolves to { code, signal }; a spawn failure resolves to { code: null, error }.
 */
export function runBin(name, args, env = process.env) {
  const bin = localBin(name);
  const [cmd, argv] = bin ? [bin, args] : ['npx', ['--no-install', name, ...args]];
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, argv, { cwd: repoRoot, env, stdio: 'inherit' });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (result) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(result);
    };
    child.on('error', (error) => done({ code: null, signal: null, error }));
    child.on('exit', (code, signal) => done({ code, signal }));
  });
}
