// Locates a Chromium for Playwright/Vitest browser mode and makes sure the Vulkan loader
// (libvulkan.so.1) is present for the Node WebGPU path (`webgpu` package, Dawn).
//
//   import { findChromium, ensureVulkanLoader } from './find-chromium.mjs';
//   const chromium = findChromium(); // absolute path, or throws with the command to run
//
// Search order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, Playwright's cache
// (~/.cache/ms-playwright/chromium-*/chrome-linux*/chrome). When nothing is found and we are root
// with apt-get, it installs `chromium libvulkan1` (Debian) and looks again. It never runs
// `npx playwright install` (no network for browser downloads here).
//
// Run directly (`node scripts/find-chromium.mjs`) to print the path.
import { execFileSync, execSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APT_PACKAGES = ['chromium', 'libvulkan1'];
const INSTALL_CMD = `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${APT_PACKAGES.join(' ')}`;

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightCacheCandidates() {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(cache)) return [];
  const out = [];
  const dirs = readdirSync(cache)
    .filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d))
    .sort((a, b) => Number(b.split('-').pop()) - Number(a.split('-').pop())); // newest first
  for (const d of dirs) {
    for (const sub of ['chrome-linux', 'chrome-linux64']) {
      out.push(join(cache, d, sub, 'chrome'));
      out.push(join(cache, d, sub, 'headless_shell'));
    }
  }
  return out;
}

function candidates() {
  const list = [];
  if (process.env.CHROMIUM_PATH) list.push(process.env.CHROMIUM_PATH);
  list.push('/usr/bin/chromium', '/usr/bin/chromium-browser');
  list.push(...playwrightCacheCandidates());
  return list;
}

function locate() {
  if (process.env.CHROMIUM_PATH && !isExecutable(process.env.CHROMIUM_PATH)) {
    console.warn(
      `[find-chromium] CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not executable; searching elsewhere`,
    );
  }
  return candidates().find(isExecutable) ?? null;
}

function canAptInstall() {
  if (process.platform !== 'linux') return false;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  try {
    execSync('command -v apt-get', { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

function aptInstall(packages) {
  console.error(`[find-chromium] installing ${packages.join(' ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execSync('apt-get update', { stdio: ['ignore', 'inherit', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
}

/** True if the dynamic loader can find libvulkan.so.1 (Linux only; other OSes return true). */
export function hasVulkanLoader() {
  if (process.platform !== 'linux') return true;
  try {
    const out = execSync('ldconfig -p', {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PATH: `${process.env.PATH}:/sbin:/usr/sbin` },
    });
    return out.includes('libvulkan.so.1');
  } catch {
    return (
      existsSync('/usr/lib/x86_64-linux-gnu/libvulkan.so.1') ||
      existsSync('/lib/x86_64-linux-gnu/libvulkan.so.1')
    );
  }
}

/** Makes sure libvulkan.so.1 is loadable (installs libvulkan1 as root with apt-get), else throws. */
export function ensureVulkanLoader() {
  if (hasVulkanLoader()) return;
  if (canAptInstall()) {
    aptInstall(['libvulkan1']);
    if (hasVulkanLoader()) return;
  }
  throw new Error(
    'libvulkan.so.1 (the Vulkan loader) is missing; Node WebGPU (the `webgpu` package) needs it.\n' +
      'Install it with:\n  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y libvulkan1',
  );
}

/** Returns an absolute path to a Chromium executable, installing one with apt-get if allowed. */
export function findChromium() {
  let found = locate();
  if (!found && canAptInstall()) {
    aptInstall(APT_PACKAGES);
    found = locate();
  }
  if (!found) {
    throw new Error(
      'No Chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, ' +
        '~/.cache/ms-playwright/chromium-*/chrome-linux/chrome).\n' +
        `Install one with:\n  ${INSTALL_CMD}\n` +
        'or point CHROMIUM_PATH at an existing Chromium/Chrome executable.',
    );
  }
  ensureVulkanLoader();
  return found;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(findChromium());
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
