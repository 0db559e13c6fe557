/**
 * The demo's shipped solver history (models/ns2d-fno-32/history.safetensors) and its resampling to
 * the demo's other grids: the file is what its metadata says (the demo's seed-0 field at the
 * model's grid, solved by wgno's solver), and spectral resampling is exact on band-limited fields.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { parseHistory, resample2d } from '../../src/app/ns_history';
import { sampleGrf2d } from '../../src/pde/grf';
import { NavierStokes2d } from '../../src/pde/navier_stokes';
import { Rng } from '../../src/random';
import { writeSafetensors } from '../../src/io/safetensors';
import { relL2 } from '../util/compare';

const FILE = 'models/ns2d-fno-32/history.safetensors';
const history = parseHistory(readFileSync(FILE), FILE);

/** A field with modes up to |k| = 5 in each axis, sampled on an m x m grid. */
function bandLimited(m: number): Float32Array {
  const w = new Float32Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const [x, y] = [(2 * Math.PI * i) / m, (2 * Math.PI * j) / m];
      w[i * m + j] =
        0.3 + Math.sin(x + 2 * y) + 0.5 * Math.cos(5 * x - 3 * y) - 0.2 * Math.sin(4 * y);
    }
  return w;
}

describe('the shipped demo history', () => {
  it("starts from the demo's own seed-0 field at the model's grid, with dt and 10 records", () => {
    expect([history.n, history.seed, history.dt, history.records.length]).toEqual([
      32, 0, 1e-3, 10,
    ]);
    expect(history.w0).toEqual(sampleGrf2d(new Rng(0), 32, 1));
  });

  describe('against the solver', () => {
    let rt: Runtime;
    beforeAll(async () => (rt = await init()));
    afterAll(() => rt?.destroy());

    it('its first record is one time unit of NavierStokes2d from its initial field', async () => {
      const ns = await NavierStokes2d.create(rt, { n: 32, dt: history.dt, substeps: 200 });
      ns.setVorticity(history.w0);
      for (let s = 0; s < 5; s++) ns.advance();
      // Bitwise today; the tolerance lets solver changes of f32 rounding size pass (a real change
      // of the solver means rerunning tools/make_demo_history.mjs).
      expect(relL2(await ns.readVorticity(), history.records[0])).toBeLessThan(1e-3);
      ns.destroy();
    });
  });

  it('rejects a file that is not a one-trajectory ns-generate data set', () => {
    const u = { dtype: 'f32' as const, shape: [2, 4, 4, 3], data: new Float32Array(96) };
    const a = { dtype: 'f32' as const, shape: [2, 4, 4], data: new Float32Array(32) };
    const bytes = writeSafetensors({ a, u }, { seed: '0', dt: '0.001' });
    expect(() => parseHistory(bytes, 'h.safetensors')).toThrow(
      'history h.safetensors: need a [1, s, s] and u [1, s, s, T] (wgno ns-generate with --n 1), got a [2, 4, 4], u [2, 4, 4, 3]',
    );
  });
});

describe('resample2d', () => {
  it('samples a band-limited field on finer and coarser grids exactly', () => {
    for (const [n, m] of [
      [32, 64],
      [32, 256],
      [32, 48],
      [64, 32],
      [32, 32],
    ])
      expect(relL2(resample2d(bandLimited(n), n, m), bandLimited(m))).toBeLessThan(1e-6);
  });

  it('keeps the shipped records (dealiased, so band-limited) through 32 -> 128 -> 32', () => {
    const w = history.records[9];
    expect(relL2(resample2d(resample2d(w, 32, 128), 128, 32), w)).toBeLessThan(1e-5);
  });
});
