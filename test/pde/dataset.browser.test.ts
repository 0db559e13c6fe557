import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, readSafetensors, type Runtime } from '../../src/index';
import { generateNavierStokes, writeNsDataset } from '../../src/pde/dataset';
import { sampleGrf2d } from '../../src/pde/grf';
import { NavierStokes2d } from '../../src/pde/navier_stokes';
import { Rng } from '../../src/random';

describe('generateNavierStokes', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  const small = { count: 3, res: 8, solverRes: 16, t: 2, dt: 1e-2, batch: 2, seed: 5 };

  it('writes the FNO layout: a = subsampled w0, u[..., k] = the solver at time k + 1', async () => {
    const progress: number[] = [];
    const ds = await generateNavierStokes(rt, {
      ...small,
      onProgress: (p) => progress.push(p.unitsDone / p.unitsTotal),
    });
    expect(ds.a.shape).toEqual([3, 8, 8]);
    expect(ds.u.shape).toEqual([3, 8, 8, 2]);
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
    // Trajectory 2 (the second solver batch) by hand: same seed -> same initial fields.
    const w0 = sampleGrf2d(new Rng(5), 16, 3);
    const ns = await NavierStokes2d.create(rt, {
      n: 16,
      batch: 1,
      nu: 1e-3,
      dt: 1e-2,
      substeps: 100,
    });
    ns.setVorticity(w0.subarray(2 * 256));
    ns.advance();
    const w1 = await ns.readVorticity();
    ns.destroy();
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++) {
        expect(ds.a.data[2 * 64 + i * 8 + j]).toBe(w0[2 * 256 + 2 * i * 16 + 2 * j]);
        expect(ds.u.data[(2 * 64 + i * 8 + j) * 2]).toBe(w1[2 * i * 16 + 2 * j]);
      }
    const back = readSafetensors(writeNsDataset(ds));
    expect(back.get('u')!.data).toEqual(ds.u.data);
  });

  it('starts from given initial vorticities, and stops when aborted', async () => {
    const initial = new Float32Array(3 * 256).fill(0.5);
    const ds = await generateNavierStokes(rt, { ...small, init: initial });
    expect(ds.a.data.every((v) => v === 0.5)).toBe(true);
    const ctl = new AbortController();
    ctl.abort();
    await expect(generateNavierStokes(rt, { ...small, signal: ctl.signal })).rejects.toThrow(
      /aborted; no data set was produced/,
    );
    await expect(generateNavierStokes(rt, { ...small, res: 5 })).rejects.toThrow(
      /solverRes must be a multiple of res/,
    );
    await expect(generateNavierStokes(rt, { ...small, dt: 0.3 })).rejects.toThrow(
      /dt = 0.3 must divide one time unit/,
    );
  });
});
