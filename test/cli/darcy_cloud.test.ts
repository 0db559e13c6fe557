/**
 * `wgno darcy-train` / `darcy-eval` on tiny sizes: a GNO and a GINO train on a Darcy point cloud
 * (the loss falls), resume, and score on a cloud of another density; config errors are one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLineError, wgno } from './run';

const dir = mkdtempSync(join(tmpdir(), 'wgno-cli-darcy-'));
const data = join(dir, 'darcy.safetensors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const r = await wgno('darcy-generate', '--n', '6', '--s', '11', '--seed', '3', '--out', data);
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

const base = { data, nTrain: 4, nTest: 2, points: 40, epochs: 3, batchSize: 2, lr: 0.01 };
const models = {
  gno: { type: 'gno', hiddenChannels: 8, radius: 0.3, nLayers: 1, kernelMlpLayers: [8] },
  gino: {
    ...{ type: 'gino', inGnoRadius: 0.3, outGnoRadius: 0.3, fnoNModes: [4, 4] },
    ...{ fnoHiddenChannels: 8, fnoNLayers: 1, gnoEmbedChannels: 4 },
    ...{ inGnoChannelMlpHiddenLayers: [8], outGnoChannelMlpHiddenLayers: [8] },
  },
};
const config = (name: string, cfg: object) => {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(cfg));
  return join(dir, `${name}.json`);
};
const logOf = (out: string) =>
  readFileSync(join(out, 'log.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('wgno darcy-train / darcy-eval', () => {
  const train = async (type: 'gno' | 'gino', epochs: number, resume = false) => {
    const out = join(dir, type);
    const cfg = { ...base, epochs, model: models[type], out, latent: 8 };
    const r = await wgno(
      'darcy-train',
      '--config',
      config(type, cfg),
      ...(resume ? ['--resume'] : []),
    );
    expect(r.status, r.stderr).toBe(0);
    return { out, r, log: logOf(out) };
  };
  const score = async (out: string) => {
    const args = ['--run', out, '--data', data, '--n', '2', '--points', '70', '--json'];
    const ev = await wgno('darcy-eval', ...args);
    expect(ev.status, ev.stderr).toBe(0);
    return JSON.parse(ev.stdout.trim().split('\n').at(-1)!) as { mean: number; points: number };
  };

  it('gno: trains (the loss falls), resumes, and scores a denser cloud', async () => {
    const { r, log } = await train('gno', 2);
    expect(r.stderr).toMatch(/darcy-train \(epochs\): 2\/2 .*train [\d.e-]+, test [\d.e-]+/);
    expect(log.map((l) => l[0])).toEqual(['1', '2']);
    expect(Number(log[1][1])).toBeLessThan(Number(log[0][1]));
    const more = await train('gno', 3, true);
    expect(more.log.map((l) => l[0])).toEqual(['1', '2', '3']);
    const last = await score(more.out);
    expect(last.points).toBe(70);
    expect(last.mean).toBeGreaterThan(0);
    expect(last.mean).toBeLessThan(1.5);
  }, 300_000);

  it('gino: trains and scores a denser cloud', async () => {
    const { out, log } = await train('gino', 2);
    expect(Number(log[1][1])).toBeLessThan(Number(log[0][1]));
    const last = await score(out);
    expect(last.mean).toBeGreaterThan(0);
    expect(last.mean).toBeLessThan(1.5);
  }, 300_000);

  it('config errors name the key', async () => {
    const bad = await wgno(
      'darcy-train',
      '--config',
      config('bad', { ...base, out: dir, model: { type: 'fno' } }),
    );
    expect(oneLineError(bad)).toMatch(
      /'model(\.type)?' must be an object whose type is 'gno' or 'gino'/,
    );
    const noRadius = { ...base, out: join(dir, 'x'), model: { type: 'gno', hiddenChannels: 4 } };
    expect(oneLineError(await wgno('darcy-train', '--config', config('r', noRadius)))).toMatch(
      /missing key 'model.radius' \(a number > 0\)/,
    );
    expect(oneLineError(await wgno('darcy-eval', '--run', dir, '--data', data))).toMatch(
      /darcy-eval: --run .*config\.json: does not exist/,
    );
  });
});
