/**
 * Every user error of the command ends in one line and status 1, never a stack trace or a
 * Python traceback, and output paths are checked before any long work starts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { userError } from '../../src/cli/main';
import { oneLineError, wgno } from './run';

const dir = mkdtempSync(join(tmpdir(), 'wgno-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (cfg: unknown, name = 'train.json') => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(cfg));
  return path;
};
const valid = {
  data: join(dir, 'ns.safetensors'),
  nTrain: 1,
  nTest: 1,
  model: { nModes: [2, 2], hiddenChannels: 4 },
  epochs: 2,
  batchSize: 1,
  out: join(dir, 'run'),
};

describe('wgno: user errors are one line', () => {
  it('--version prints the package version', async () => {
    const r = await wgno('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('a folder or a missing file where a file is expected', async () => {
    expect(oneLineError(await wgno('info', dir))).toMatch(
      /the file .* is a folder; expected a file/,
    );
    const missing = join(dir, 'nope.safetensors');
    expect(oneLineError(await wgno('info', missing))).toMatch(/nope\.safetensors: does not exist/);
  });

  it('train configs: null, wrong types, unknown and missing keys name key, expectation and value', async () => {
    const cases: [unknown, RegExp][] = [
      [null, /the config must be a JSON object, got null/],
      [{ ...valid, epochs: 'x' }, /'epochs' must be an integer >= 1, got "x"/],
      [{ ...valid, lr: -1 }, /'lr' must be a number > 0, got -1/],
      [
        { ...valid, model: { nModes: 4, hiddenChannels: 4 } },
        /'model.nModes' must be a list of 1 to 3 mode counts, got 4/,
      ],
      [{ ...valid, foo: 1 }, /unknown key 'foo'; valid keys: data, nTrain/],
      [
        { ...valid, model: { ...valid.model, width: 3 } },
        /unknown key 'model.width'; valid keys of 'model': nModes/,
      ],
      [{ ...valid, out: undefined }, /missing key 'out' \(a path \(string\)\)/],
    ];
    for (const [cfg, message] of cases) {
      const r = await wgno('train', '--config', config(cfg));
      expect(oneLineError(r)).toMatch(message);
    }
    writeFileSync(join(dir, 'bad.json'), '{ "epochs": ');
    expect(oneLineError(await wgno('train', '--config', join(dir, 'bad.json')))).toMatch(
      /bad\.json is not JSON/,
    );
    expect(oneLineError(await wgno('train', '--config', dir))).toMatch(/is a folder/);
  });

  it("train: an existing file as 'out', or an out folder that cannot be written", async () => {
    writeFileSync(join(dir, 'taken'), 'x');
    const r = await wgno('train', '--config', config({ ...valid, out: join(dir, 'taken') }));
    expect(oneLineError(r)).toMatch(/'out' .*taken is a file; it must be a folder/);
    const ro = await wgno(
      'train',
      '--config',
      config({ ...valid, out: join(dir, 'taken', 'sub') }),
    );
    expect(oneLineError(ro)).toMatch(/cannot create the folder .*taken\/sub/);
    const noData = await wgno('train', '--config', config(valid));
    expect(oneLineError(noData)).toMatch(/'data' .*ns\.safetensors: does not exist/);
  });

  it.runIf(existsSync('/sys/kernel'))(
    'a read-only output folder is refused before any work',
    async () => {
      // /sys refuses new files even to root (a chmod'ed folder would not stop root).
      const r = await wgno(
        'darcy-generate',
        '--n',
        '1',
        '--s',
        '9',
        '--out',
        '/sys/kernel/d.safetensors',
      );
      expect(oneLineError(r)).toMatch(/--out .*cannot write into \/sys\/kernel: permission denied/);
    },
  );

  it('ns-generate --out into a folder, or a missing folder, fails before generating', async () => {
    const t0 = performance.now();
    const args = ['ns-generate', '--n', '1000', '--res', '64', '--solver-res', '256', '--out'];
    expect(oneLineError(await wgno(...args, dir))).toMatch(
      /--out .* is a folder; give a file name/,
    );
    const gone = join(dir, 'missing', 'ns.safetensors');
    expect(oneLineError(await wgno(...args, gone))).toMatch(/the folder .*missing does not exist/);
    expect(performance.now() - t0).toBeLessThan(5000); // nothing was solved
  });

  it('a system error during a write (e.g. a full disk) becomes one line', () => {
    const e = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      path: '/data/ns.safetensors.tmp-1',
    });
    expect(userError(e)).toEqual({
      message: 'wgno: /data/ns.safetensors.tmp-1: no space left on the device',
      status: 1,
    });
    expect(userError(new TypeError('a bug'))).toBeNull(); // bugs keep their stack
  });

  it('convert: --help needs no Python; missing files, Python or torch are one line', async () => {
    const prev = process.env.PYTHON;
    process.env.PYTHON = join(dir, 'no-python');
    const input = join(dir, 'model.pt');
    writeFileSync(input, 'not really a checkpoint');
    try {
      const help = await wgno('convert', '--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/Usage: wgno convert IN\.pt OUT\.safetensors/);
      expect(oneLineError(await wgno('convert', join(dir, 'a.pt'), join(dir, 'b.st')))).toMatch(
        /convert: the input .*a\.pt: does not exist/,
      );
      expect(oneLineError(await wgno('convert', input, dir))).toMatch(/the output .* is a folder/);
      expect(oneLineError(await wgno('convert', input))).toMatch(/needs an input and an output/);
      expect(oneLineError(await wgno('convert', input, join(dir, 'b.st')))).toMatch(
        /convert: could not run .*no-python.*install Python 3 with PyTorch/,
      );
    } finally {
      if (prev === undefined) delete process.env.PYTHON;
      else process.env.PYTHON = prev;
    }
  });

  const noTorch = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 1;
  it.runIf(noTorch)('convert with a Python that lacks torch: no traceback', async () => {
    writeFileSync(join(dir, 'm.pt'), 'x');
    const r = await wgno('convert', join(dir, 'm.pt'), join(dir, 'm.safetensors'));
    expect(oneLineError(r)).toMatch(/python3 has no torch.*pip install torch/);
    expect(r.stderr).not.toMatch(/Traceback/);
  });

  it('bad option values', async () => {
    const r = await wgno('ns-generate', '--n', 'two', '--out', join(dir, 'x.safetensors'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--n must be an integer >= 1, got 'two'/);
  });
});
