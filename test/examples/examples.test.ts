/**
 * The scripts in examples/ as a user runs them: copied into a fresh project whose
 * node_modules/wgno is this repository's library built from the current source (so a stale or
 * concurrently rebuilt dist/ cannot matter), each run in its own Node process with --tiny. Each
 * must exit 0 and end with a line `result {json}`, whose numbers are checked here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let app = '';

/** The Node library (dist/wgno.js and its chunk) built into a temporary package, plus its deps. */
function makeProject(): void {
  app = mkdtempSync(join(tmpdir(), 'wgno-examples-'));
  const pkg = join(app, 'node_modules/wgno');
  const vite = join(root, 'node_modules/.bin/vite');
  execFileSync(vite, ['build', '--logLevel', 'warn', '--outDir', join(pkg, 'dist')], {
    cwd: root,
    stdio: 'pipe',
  });
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  mkdirSync(join(pkg, 'models/ns2d-fno-32'), { recursive: true });
  for (const f of ['weights.safetensors', 'config.json'])
    copyFileSync(join(root, 'models/ns2d-fno-32', f), join(pkg, 'models/ns2d-fno-32', f));
  // The library's run-time imports that the build leaves external.
  for (const dep of ['webgpu', 'zod', 'commander', 'cli-progress'])
    symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }');
  for (const f of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.mjs')))
    copyFileSync(join(root, 'examples', f), join(app, f));
}

/** Runs one example with --tiny; returns the JSON of its `result` line. */
function run(script: string, ...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [script, '--tiny', ...args], {
    cwd: app,
    encoding: 'utf8',
    timeout: 280_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  expect(r.status, `${script} exited ${r.status} (${r.signal ?? 'no signal'}):\n${out}`).toBe(0);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  expect(line, `${script}: last line\n${out}`).toMatch(/^result \{/);
  return JSON.parse(line.slice('result '.length)) as Record<string, unknown>;
}

const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

beforeAll(makeProject, 120_000);
afterAll(() => app && rmSync(app, { recursive: true, force: true }));

// Each example compiles its pipelines on a CPU WebGPU: 15-45 s alone, more beside other test files.
const TIMEOUT = 300_000;

describe('examples/ (--tiny, in a fresh project)', () => {
  it(
    'train_fno_navier_stokes: two epochs on generated data, finite errors',
    () => {
      const r = run('train_fno_navier_stokes.mjs', '--out', join(app, 'run'));
      expect(r.epochs).toBe(2);
      expect(finite(r.trainErr) && finite(r.testErr), JSON.stringify(r)).toBe(true);
    },
    TIMEOUT,
  );

  it(
    'gno_point_cloud: the training error falls; the denser cloud gives a finite error',
    () => {
      const r = run('gno_point_cloud.mjs');
      expect(finite(r.first) && finite(r.last) && finite(r.denseErr), JSON.stringify(r)).toBe(true);
      expect(r.last as number).toBeLessThan(r.first as number);
    },
    TIMEOUT,
  );

  it(
    "load_neuraloperator_checkpoint: PyTorch's output to float32 accuracy",
    () => {
      const fixture = join(root, 'test/fixtures/fno/fno2d.safetensors');
      const r = run('load_neuraloperator_checkpoint.mjs', '--checkpoint', fixture);
      expect(r.parameters).toBeGreaterThan(0);
      expect(r.relL2VsPytorch as number).toBeLessThan(1e-5);
    },
    TIMEOUT,
  );

  it(
    'evaluate_rollout: the shipped model on new trajectories, through the package export',
    () => {
      const r = run('evaluate_rollout.mjs');
      expect((r.perStep as number[]).length).toBe(2);
      // About 0.01 on SwiftShader; a broken model or rollout gives ~1.
      expect(r.mean as number).toBeLessThan(0.05);
    },
    TIMEOUT,
  );
});
