// `npm test`: the whole test suite, ending with exactly one summary line:
//
//   tests: N passed, N failed
//
// 1. Finds Chromium (scripts/find-chromium.mjs; installs it with apt-get when root) and exports
//    CHROMIUM_PATH for vite.config.ts / playwright.config.ts.
// 2. Runs Vitest (both projects: `node` and `browser`) with the default reporter plus JSON to
//    test-results/vitest.json.
// 3. If playwright.config.ts exists and test/e2e/ holds specs, runs `playwright test` with JSON to
//    test-results/playwright.json.
// 4. Sums both. A runner that crashes, exits non-zero without a failing test, or leaves no JSON is
//    counted as (at least) one failure. Exits 1 if anything failed.
//
// Extra arguments are passed to Vitest, e.g. `npm test -- --project node test/rig.test.ts`
// (Playwright is skipped when extra arguments are given).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium } from './find-chromium.mjs';
import { repoRoot, runBin } from './run-util.mjs';

const resultsDir = join(repoRoot, 'test-results');
const extraArgs = process.argv.slice(2);

// Wall-clock limits per runner (minutes; WGNO_TEST_TIMEOUT_MIN overrides both). A full run takes
// about 8 min on a 2-core machine with SwiftShader; CI allows 90 min for everything.
const envLimit = Number(process.env.WGNO_TEST_TIMEOUT_MIN);
const limitMs = (defaultMin) => (envLimit > 0 ? envLimit : defaultMin) * 60_000;

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function describeExit(r) {
  if (r.timedOut) return 'timed out';
  if (r.error) return `could not start (${r.error.message})`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit code ${r.code}`;
}

/** Tallies one runner; a crash or an unexplained non-zero exit counts as a failure. */
function tally(name, run, counts) {
  const ok = !run.error && !run.signal && run.code === 0;
  if (!counts) {
    console.error(`[test] ${name}: no results (${describeExit(run)}); counting as 1 failure`);
    return { passed: 0, failed: 1 };
  }
  let { passed, failed } = counts;
  if (!ok && failed === 0) {
    console.error(
      `[test] ${name}: ${describeExit(run)} with no failing test reported; counting as 1 failure`,
    );
    failed = 1;
  }
  if (ok && failed > 0) {
    console.error(`[test] ${name}: exited 0 but reported ${failed} failure(s)`);
  }
  return { passed, failed };
}

function hasE2eSpecs(dir) {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory() && hasE2eSpecs(p)) return true;
    if (entry.isFile() && /\.(spec|test)\.[cm]?[jt]sx?$/.test(entry.name)) return true;
  }
  return false;
}

async function runVitest(env) {
  const out = join(resultsDir, 'vitest.json');
  rmSync(out, { force: true });
  const run = await runBin(
    'vitest',
    [
      'run',
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...extraArgs,
    ],
    env,
    { timeoutMs: limitMs(45) },
  );
  const json = readJson(out);
  let counts = null;
  if (json && typeof json.numTotalTests === 'number') {
    // A test file that fails to load (syntax error, import error, failing beforeAll) has no failing
    // test in it but is still a failure: count each such file once.
    const brokenFiles = (json.testResults ?? []).filter(
      (f) =>
        f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
    ).length;
    counts = { passed: json.numPassedTests ?? 0, failed: (json.numFailedTests ?? 0) + brokenFiles };
    if (brokenFiles) console.error(`[test] vitest: ${brokenFiles} test file(s) failed to run`);
  }
  return tally('vitest', run, counts);
}

async function runPlaywright(env) {
  const out = join(resultsDir, 'playwright.json');
  rmSync(out, { force: true });
  // --output: Playwright empties its output folder (default test-results/) at start, which would
  // delete vitest.json; give it a subfolder of its own.
  const artifacts = join(resultsDir, 'playwright-artifacts');
  const run = await runBin(
    'playwright',
    ['test', '--reporter=list,json', `--output=${artifacts}`],
    {
      ...env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: out,
    },
    { timeoutMs: limitMs(20) },
  );
  const json = readJson(out);
  let counts = null;
  if (json?.stats) {
    const s = json.stats;
    counts = { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0 };
    if (json.errors?.length && counts.failed === 0) counts.failed = json.errors.length;
  }
  return tally('playwright', run, counts);
}

async function main() {
  let passed = 0;
  let failed = 0;
  let env;
  try {
    const chromium = findChromium();
    env = { ...process.env, CHROMIUM_PATH: chromium };
    console.log(`[test] chromium: ${chromium}`);
  } catch (err) {
    console.error(`[test] ${err instanceof Error ? err.message : err}`);
    return { passed: 0, failed: 1 };
  }
  mkdirSync(resultsDir, { recursive: true });

  const v = await runVitest(env);
  passed += v.passed;
  failed += v.failed;

  const pwConfig = join(repoRoot, 'playwright.config.ts');
  if (
    extraArgs.length === 0 &&
    existsSync(pwConfig) &&
    hasE2eSpecs(join(repoRoot, 'test', 'e2e'))
  ) {
    const p = await runPlaywright(env);
    passed += p.passed;
    failed += p.failed;
  }
  return { passed, failed };
}

let summary;
try {
  summary = await main();
} catch (err) {
  console.error('[test] runner crashed:', err);
  summary = { passed: 0, failed: 1 };
}
console.log(`tests: ${summary.passed} passed, ${summary.failed} failed`);
process.exitCode = summary.failed > 0 ? 1 : 0;
