/**
 * The published artefact: `npm run build` emits dist/wgno.js (WGSL inlined) and its types, and the
 * same API runs from it in Node through the `webgpu` package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('builds dist/ and runs an FNO forward from it in Node', async () => {
  execFileSync(
    process.execPath,
    [`${root}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'error'],
    { cwd: root, stdio: 'pipe' },
  );
  expect(existsSync(`${root}dist/wgno.js`)).toBe(true);
  const lib = (await import(
    /* @vite-ignore */ pathToFileURL(`${root}dist/wgno.js`).href
  )) as typeof import('../src/index');
  const rt = await lib.init();
  try {
    const model = new lib.FNO(rt, {
      nModes: [4],
      inChannels: 1,
      outChannels: 1,
      hiddenChannels: 4,
      nLayers: 1,
    });
    const y = await model.forward(rt.tensor(new Float32Array(16).fill(1), [1, 1, 16])).read();
    expect(y.length).toBe(16);
    expect(y.every(Number.isFinite)).toBe(true);
  } finally {
    rt.destroy();
  }
});

it('the wgno command from dist/: info, ns-generate (atomic output), train, resume, eval, clear errors', async () => {
  const { mkdtempSync, readFileSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { spawnSync } = await import('node:child_process');
  if (!existsSync(`${root}dist/cli.js`))
    execFileSync(
      process.execPath,
      [`${root}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'error'],
      { cwd: root, stdio: 'pipe' },
    );
  const wgno = (...args: string[]) =>
    spawnSync(process.execPath, [`${root}bin/wgno.mjs`, ...args], { cwd: root, encoding: 'utf8' });
  const dir = mkdtempSync(`${tmpdir()}/wgno-cli-`);
  try {
    const info = wgno('info', 'test/fixtures/corner/corner2d.safetensors');
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/conv\.weights1\tcomplex64\t\[3, 4, 4, 3\]/);

    const out = `${dir}/ns.safetensors`;
    const gen = wgno(
      'ns-generate',
      '--n',
      '2',
      '--res',
      '4',
      '--solver-res',
      '8',
      '--t',
      '2',
      '--dt',
      '0.01',
      '--seed',
      '3',
      '--out',
      out,
    );
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stderr).toMatch(/ns-generate \(time units\): 2\/2 \(100%\)/);
    const lib = (await import(
      /* @vite-ignore */ pathToFileURL(`${root}dist/wgno.js`).href
    )) as typeof import('../src/index');
    const ds = lib.readSafetensors(readFileSync(out));
    expect(ds.get('a')!.shape).toEqual([2, 4, 4]);
    expect(ds.get('u')!.shape).toEqual([2, 4, 4, 2]);
    expect(ds.get('u')!.data.every(Number.isFinite)).toBe(true);
    expect(readdirSync(dir)).toEqual(['ns.safetensors']); // no temporary file left

    // train (2 trajectories: 1 train, 1 test) -> resume for one more epoch -> eval
    const { writeFileSync } = await import('node:fs');
    const cfg = {
      data: out,
      nTrain: 1,
      nTest: 1,
      tIn: 1,
      tOut: 1,
      model: { nModes: [2, 2], hiddenChannels: 4, nLayers: 1 },
      epochs: 2,
      batchSize: 1,
      out: `${dir}/run`,
    };
    writeFileSync(`${dir}/train.json`, JSON.stringify(cfg));
    const tr = wgno('train', '--config', `${dir}/train.json`);
    expect(tr.status, tr.stderr).toBe(0);
    writeFileSync(`${dir}/train.json`, JSON.stringify({ ...cfg, epochs: 3 }));
    const again = wgno('train', '--config', `${dir}/train.json`, '--resume');
    expect(again.status, again.stderr).toBe(0);
    const log = readFileSync(`${dir}/run/log.csv`, 'utf8').trim().split('\n');
    expect(log.map((l) => l.split(',')[0])).toEqual(['epoch', '1', '2', '3']);
    const lastTest = Number(log[3].split(',')[2]);
    // train keeps report.html current; `wgno report` writes it anywhere.
    expect(readFileSync(`${dir}/run/report.html`, 'utf8')).toContain('3 epochs in');
    const rep = wgno('report', `${dir}/run/log.csv`, '--out', `${dir}/curves.html`);
    expect(rep.status, rep.stderr).toBe(0);
    expect(readFileSync(`${dir}/curves.html`, 'utf8')).toContain('relative L2 error');
    const ev = wgno(
      'eval',
      '--weights',
      `${dir}/run/weights.safetensors`,
      '--config',
      `${dir}/run/config.json`,
      '--data',
      out,
      '--n',
      '1',
    );
    expect(ev.status, ev.stderr).toBe(0);
    const got = Number(
      /relative L2 \(mean over trajectories and steps\): ([\d.]+)/.exec(ev.stdout)![1],
    );
    expect(got).toBeCloseTo(lastTest, 4); // the same trajectory, the same weights
    writeFileSync(`${dir}/bad.json`, JSON.stringify({ ...cfg, foo: 1 }));
    expect(wgno('train', '--config', `${dir}/bad.json`).stderr).toMatch(/unknown key 'foo'/);
    for (const f of ['run', 'train.json', 'bad.json']) rmSync(`${dir}/${f}`, { recursive: true });
    const bad = wgno(
      'ns-generate',
      '--n',
      '1',
      '--res',
      '3',
      '--solver-res',
      '8',
      '--out',
      `${dir}/x.safetensors`,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/solverRes must be a multiple of res/);
    const missing = wgno('info', `${dir}/nope.safetensors`);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/wgno: ENOENT/);
    const noPython = spawnSync(
      process.execPath,
      [`${root}bin/wgno.mjs`, 'convert', 'a.pt', 'b.st'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PYTHON: `${dir}/no-python` },
      },
    );
    expect(noPython.status).toBe(1);
    expect(noPython.stderr).toMatch(
      /convert: could not run .*no-python.*install Python 3 with PyTorch/,
    );
    expect(wgno('ns-generate', '--n', 'two', '--out', out).stderr).toMatch(
      /--n must be an integer >= 1, got 'two'/,
    );

    // darcy-generate: a small Darcy set, atomically written, solved to tolerance.
    const darcy = `${dir}/darcy.safetensors`;
    const dg = wgno('darcy-generate', '--n', '3', '--s', '9', '--seed', '1', '--out', darcy);
    expect(dg.status, dg.stderr).toBe(0);
    expect(dg.stderr).toMatch(/worst relative residual [0-9.]+e-[0-9]+/);
    const dset = lib.readSafetensors(readFileSync(darcy));
    expect(dset.get('coeff')!.shape).toEqual([3, 9, 9]);
    expect(new Set(dset.get('coeff')!.data)).toEqual(new Set([3, 12]));
    expect(dset.get('sol')!.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(wgno('darcy-generate', '--n', '1', '--s', '2', '--out', darcy).stderr).toMatch(/s = 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
