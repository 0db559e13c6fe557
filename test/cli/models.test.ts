/**
 * The CLI's model kinds on tiny sizes: `wgno train` with model.kind 'mgno' and 'spacetime_fno',
 * `wgno eval` of each kind (the run folder or its config.json, zero-shot on another grid),
 * `--refine K --json` of a space-time FNO, loadModel, and the one-line errors: a bad kind, bad
 * model options, --refine on another kind, too few frames, a grid refinement cannot use.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../src/io/safetensors';
import { loadFNO, loadModel } from '../../src/models/load';
import { init } from '../../src/runtime/runtime';
import { oneLineError, wgno } from './run';

const dir = mkdtempSync(join(tmpdir(), 'wgno-cli-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** u [n, s, s, T]: drifting low Fourier modes, different per trajectory (smooth, like vorticity). */
function dataset(name: string, n: number, s: number, T: number): string {
  const u = new Float32Array(n * s * s * T);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++)
        for (let t = 0; t < T; t++) {
          const [x, y] = [(2 * Math.PI * i) / s, (2 * Math.PI * j) / s];
          u[((b * s + i) * s + j) * T + t] =
            Math.sin(x + 2 * y + 0.1 * t + b) + 0.5 * Math.cos(2 * x - y - 0.05 * t * b);
        }
  const file = join(dir, name);
  writeFileSync(file, writeSafetensors({ u: { dtype: 'f32', shape: [n, s, s, T], data: u } }));
  return file;
}

const data16 = dataset('ns16.safetensors', 3, 16, 5);
const data32 = dataset('ns32.safetensors', 1, 32, 5);
const config = (name: string, model: object, extra: object = {}) => {
  const cfg = { data: data16, nTrain: 2, nTest: 1, epochs: 1, batchSize: 1, model, ...extra };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ out: join(dir, name), tIn: 2, tOut: 3, ...cfg }));
  return file;
};
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);
const finite = (xs: number[]) => xs.every(Number.isFinite);

const SPACETIME = {
  kind: 'spacetime_fno',
  modesX: 2,
  modesY: 2,
  modesT: 2,
  width: 4,
  numSpectralLayers: 2,
  latentSteps: 2,
};
const MGNO = {
  kind: 'mgno',
  hiddenChannels: 4,
  numLayers: 1,
  numIteration: [
    [1, 0],
    [1, 0],
  ],
};

// Minutes under load on the shared CPUs: pipelines compile on SwiftShader.
describe('wgno train / eval by model kind', { timeout: 900_000 }, () => {
  it('trains a space-time FNO and writes its kind into config.json', async () => {
    const r = await wgno('train', '--config', config('st', SPACETIME));
    expect(r.status, r.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(dir, 'st', 'config.json'), 'utf8'));
    expect(saved).toMatchObject({ model: { kind: 'spacetime_fno', outputSteps: 3 }, tIn: 2 });
  });

  it('evaluates it plain, and with --refine 2 --json both plain and refined', async () => {
    const plain = await wgno('eval', join(dir, 'st'), data16, '--json');
    expect(plain.status, plain.stderr).toBe(0);
    const p = lastJson(plain.stdout);
    expect(p.perStep).toHaveLength(3);
    expect(p.plain).toBeUndefined();
    const args = ['--refine', '2', '--refine-lr-bias', '0.5', '--refine-modes', '4,4,3', '--json'];
    const r = await wgno('eval', join(dir, 'st', 'config.json'), data16, ...args);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/eval \(refinement iterations\): 6\/6/);
    const j = lastJson(r.stdout);
    expect(j.plain.perStep).toHaveLength(3);
    expect(j.plain.mean).toBeCloseTo(p.mean, 5);
    expect(finite([j.mean, ...j.perStep])).toBe(true);
    expect(j.perStep).not.toEqual(j.plain.perStep); // the refined layer moved
    const text = await wgno('eval', join(dir, 'st'), data32, '--refine', '2');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/1 trajectories at 32x32.*\nplain: relative L2/);
    expect(text.stdout).toMatch(/t = 3: \d\.\d{5} -> \d\.\d{5}/);
  });

  it('trains an MgNO on the rollout and evaluates it at two grids', async () => {
    const r = await wgno('train', '--config', config('mg', MGNO, { tOut: 1 }));
    expect(r.status, r.stderr).toBe(0);
    for (const data of [data16, data32]) {
      const e = await wgno('eval', join(dir, 'mg'), data, '--json');
      expect(e.status, e.stderr).toBe(0);
      expect(finite(lastJson(e.stdout).perStep)).toBe(true);
    }
  });

  it('loadModel builds any kind; loadFNO refuses the others', async () => {
    const rt = await init();
    try {
      const files = ['weights.safetensors', 'config.json'].map((f) => join(dir, 'st', f));
      const m = await loadModel(rt, files[0], files[1]);
      expect(m.kind).toBe('spacetime_fno');
      await expect(loadFNO(rt, files[0], files[1])).rejects.toThrow(
        /holds a 'spacetime_fno' model, not an FNO; load it with loadModel/,
      );
    } finally {
      rt.destroy();
    }
  });

  it('says in one line what was wrong', async () => {
    const bad = async (...args: string[]) => oneLineError(await wgno(...args));
    expect(await bad('train', '--config', config('k', { kind: 'unet' }))).toMatch(
      /'model\.kind' must be 'fno', 'mgno', 'spacetime_fno', got "unet"/,
    );
    expect(await bad('train', '--config', config('m', { ...MGNO, numIteration: [[1]] }))).toMatch(
      /'model\.numIteration\.0' must be \[pre, post\]/,
    );
    expect(
      await bad('train', '--config', config('s', { ...SPACETIME, modesX: undefined })),
    ).toMatch(/missing key 'model\.modesX'/);
    expect(
      await bad(
        'train',
        '--config',
        config('v', { ...MGNO, variant: 'ns', elementwiseAffine: false }),
      ),
    ).toMatch(/variant 'ns' .* needs tIn = 1, got 2/);
    expect(await bad('eval', join(dir, 'mg'), data16, '--refine', '2')).toMatch(
      /--refine refines a space-time FNO .* holds a 'mgno' model/,
    );
    expect(await bad('eval', join(dir, 'st'), data16, '--t-out', '4')).toMatch(
      /T = 5 frames; 2 in and 4 predicted need T >= 6/,
    );
    expect(await bad('eval', join(dir, 'st'), data16, '--t-out', '2', '--refine', '2')).toMatch(
      /--refine: the residual's spectral dw\/dt needs at least 3 predicted frames, got 2/,
    );
    const data18 = dataset('ns18.safetensors', 1, 18, 5);
    expect(await bad('eval', join(dir, 'st'), data18, '--refine', '2')).toMatch(
      /grid 18 x 18 is not divisible by 4.*--refine-modes/,
    );
    expect(await bad('eval', join(dir, 'mg'), dataset('ns17.safetensors', 1, 17, 5))).toMatch(
      /grid 17 x 17 is not divisible by 2\^\(levels - 1\) = 2/,
    );
  });
});
