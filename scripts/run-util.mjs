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
 *
 * With `timeoutMs`, a run that takes longer is killed with its whole process group (browsers,
 * workers) and resolves to { code: null, signal, timedOut: true }: a hung GPU driver or browser
 * then fails the run with a reason instead of holding CI until its own limit.
 */
export function runBin(name, args, env = process.env, { timeoutMs } = {}) {
  const bin = localBin(name);
  const [cmd, argv] = bin ? [bin, args] : ['npx', ['--no-install', name, ...args]];
  return new Promise((resolvePromise) => {
    // detached: the child leads its own process group, so a timeout can kill all of it.
    const child = spawn(cmd, argv, { cwd: repoRoot, env, stdio: 'inherit', detached: true });
    const killGroup = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    const forward = (sig) => killGroup(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    let timedOut = false;
    let hardKill = null;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            console.error(
              `[run] ${name} still running after ${+(timeoutMs / 60000).toFixed(1)} min; killing it`,
            );
            killGroup('SIGTERM');
            hardKill = setTimeout(() => killGroup('SIGKILL'), 10_000);
          }, timeoutMs)
        : null;
    const done = (result) => {
      if (timer) clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(timedOut ? { ...result, timedOut: true } : result);
    };
    child.on('error', (error) => done({ code: null, signal: null, error }));
    child.on('exit', (code, signal) => {
      // Whatever the runner left behind (a browser, a worker) goes with it.
      if (timedOut) killGroup('SIGKILL');
      done({ code, signal });
    });
  });
}
