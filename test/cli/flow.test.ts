/**
 * The command end to end on tiny sizes: ns-generate (atomic output), train with per-epoch loss
 * lines, --resume that keeps the elapsed time and repairs the log from the checkpoint, eval's
 * default rollout and --json, report, darcy-generate.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/io/safetensors';
import { wgno } from './run';

const dir = mkdtempSync(join(tmpdir(), 'wgno-cli-flow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'ns.safetensors');
const run = join(dir, 'run');
const cfg = {
  data,
  nTrain: 1,
  nTest: 1,
  tIn: 1,
  tOut: 1,
  model: { nModes: [2, 2], hiddenChannels: 4, nLayers: 1 },
  epochs: 2,
  batchSize: 1,
  out: run,
};
const writeConfig = (epochs: number) => {
  writeFileSync(join(dir, 'train.json'), JSON.stringify({ ...cfg, epochs }));
  return join(dir, 'train.json');
};
const logRows = () =>
  readFileSync(join(run, 'log.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe('wgno end to end', () => {
  it('ns-generate writes the data set atomically', async () => {
    const args = ['--n', '2', '--res', '4', '--solver-res', '8', '--t', '3', '--dt', '0.01'];
    const r = await wgno('ns-generate', ...args, '--seed', '3', '--out', data);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ns-generate \(time units\): 3\/3 \(100%\)/);
    const ds = readSafetensors(readFileSync(data));
    expect(ds.get('u')!.shape).toEqual([2, 4, 4, 3]);
    expect(readdirSync(dir)).toEqual(['ns.safetensors']); // no temporary file left
  });

  it("train prints each epoch's loss and test error", async () => {
    const r = await wgno('train', '--config', writeConfig(2));
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => /train \(epochs\): \d\/2/.test(l));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /2\/2 .*; train \d\.\d{3}(e-\d+)?, test \d\.\d{3}(e-\d+)? \(relative L2\)/,
    );
    expect(logRows().map((r) => r[0])).toEqual(['epoch', '1', '2']);
  });

  it('--resume keeps the elapsed time and repairs a log that lost its last line', async () => {
    const before = logRows();
    // A kill between the checkpoint and the log: the log misses epoch 2, the checkpoint has it.
    writeFileSync(
      join(run, 'log.csv'),
      `${before
        .slice(0, 2)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    const r = await wgno('train', '--config', writeConfig(3), '--resume');
    expect(r.status, r.stderr).toBe(0);
    const rows = logRows();
    expect(rows.map((r) => r[0])).toEqual(['epoch', '1', '2', '3']);
    expect(rows[2]).toEqual(before[2]); // epoch 2 restored as it was written
    expect(Number(rows[3][4])).toBeGreaterThanOrEqual(Number(before[2][4]));
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain('3 epochs in');
  });

  it('eval scores the rest of each trajectory by default, and --json ends with one JSON line', async () => {
    const args = [
      '--weights',
      join(run, 'weights.safetensors'),
      '--config',
      join(run, 'config.json'),
    ];
    const text = await wgno('eval', ...args, '--data', data, '--n', '1');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/1 trajectories at 4x4, 1 steps in, 2 out/); // T = 3, tIn = 1
    expect(text.stdout).toMatch(/per step:\n {2}t = 2: [\d.]+\n {2}t = 3: [\d.]+/);
    // One step (the training window) on the test trajectory gives the log's last test error.
    const json = await wgno('eval', ...args, '--data', data, '--n', '1', '--t-out', '1', '--json');
    expect(json.status, json.stderr).toBe(0);
    const last = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as {
      mean: number;
      perStep: number[];
    };
    expect(last.perStep).toHaveLength(1);
    expect(last.mean).toBeCloseTo(last.perStep[0], 6);
    expect(last.mean).toBeCloseTo(Number(logRows()[3][2]), 4);
  });

  it('report writes the curves anywhere', async () => {
    const r = await wgno('report', join(run, 'log.csv'), '--out', join(dir, 'curves.html'));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'curves.html'), 'utf8')).toContain('relative L2 error');
  });

  it('darcy-generate writes a small data set, solved to tolerance', async () => {
    const out = join(dir, 'darcy.safetensors');
    const r = await wgno('darcy-generate', '--n', '3', '--s', '9', '--seed', '1', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/worst relative residual [0-9.]+e-[0-9]+/);
    const ds = readSafetensors(readFileSync(out));
    expect(ds.get('coeff')!.shape).toEqual([3, 9, 9]);
    expect(new Set(ds.get('coeff')!.data)).toEqual(new Set([3, 12]));
    const bad = await wgno('darcy-generate', '--n', '1', '--s', '2', '--out', out);
    expect(bad.stderr).toMatch(/s = 2/);
  });
});
