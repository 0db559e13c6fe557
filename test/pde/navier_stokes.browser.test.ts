import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { sampleGrf2d } from '../../src/pde/grf';
import { NavierStokes2d } from '../../src/pde/navier_stokes';
import { solveNsReference } from '../../src/pde/ns_reference';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';

describe('NavierStokes2d on the GPU', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('a single Fourier mode without forcing decays by the Crank-Nicolson factor', async () => {
    const [n, kx, ky, nu, dt, substeps] = [16, 2, 3, 0.01, 1e-3, 50];
    const ns = await NavierStokes2d.create(rt, {
      n,
      batch: 2,
      nu,
      dt,
      substeps,
      forcing: new Float32Array(n * n),
    });
    const w0 = new Float32Array(2 * n * n);
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          w0[(b * n + i) * n + j] = (b + 1) * Math.cos((2 * Math.PI * (kx * i + ky * j)) / n);
    ns.setVorticity(w0);
    expect(relL2(await ns.readVorticity(), w0)).toBeLessThan(1e-6);
    ns.advance();
    ns.advance();
    const hv = 0.5 * dt * nu * 4 * Math.PI ** 2 * (kx * kx + ky * ky);
    const decay = ((1 - hv) / (1 + hv)) ** (2 * substeps);
    const err = relL2(
      await ns.readVorticity(),
      w0.map((v) => v * decay),
    );
    console.log(
      `single-mode decay: rel L2 ${err.toExponential(2)} after 100 steps (decay ${decay.toFixed(4)})`,
    );
    expect(err).toBeLessThan(1e-5);
    expect(ns.time).toBeCloseTo(0.1, 12);
    ns.destroy();
  });

  it('rejects bad options and input', async () => {
    await expect(NavierStokes2d.create(rt, { n: 7 })).rejects.toThrow(
      /n = 7; need an even integer >= 4/,
    );
    await expect(NavierStokes2d.create(rt, { n: 8, dt: 0 })).rejects.toThrow(/dt = 0/);
    await expect(NavierStokes2d.create(rt, { n: 8, forcing: new Float32Array(3) })).rejects.toThrow(
      /forcing has 3 values; expected n \* n = 64/,
    );
    const ns = await NavierStokes2d.create(rt, { n: 8, substeps: 1 });
    expect(() => ns.setVorticity(new Float32Array(10))).toThrow(
      /got 10 values; expected batch \* n \* n = 1 \* 8 \* 8/,
    );
    expect(() => ns.setVorticity(new Float32Array(64).fill(NaN))).toThrow(/value 0 is NaN/);
    ns.destroy();
  });
});

describe('NavierStokes2d against the float64 reference', () => {
  it('GRF initial vorticity, paper forcing, n = 64, dt = 1e-3: relative L2 at t = 1', async () => {
    const rt = await init();
    try {
      const [n, dt, nu] = [64, 1e-3, 1e-3];
      const w0 = sampleGrf2d(new Rng(2026), n, 1);
      const ns = await NavierStokes2d.create(rt, { n, nu, dt, substeps: 100 });
      ns.setVorticity(w0);
      const got: Float32Array[] = [];
      for (let unit = 0; unit < 10; unit++) {
        ns.advance();
        if (unit === 0 || unit === 9) got.push(await ns.readVorticity());
      }
      ns.destroy();
      const want = solveNsReference(w0, n, { nu, dt, steps: 1000, recordEvery: 100 });
      const early = relL2(got[0], want[0]);
      const late = relL2(got[1], want[9]);
      const moved = relL2(want[9], w0);
      console.log(
        `GPU (f32) vs float64 reference: rel L2 ${early.toExponential(2)} at t = 0.1, ${late.toExponential(2)} at t = 1 (the field moved ${moved.toFixed(3)} from w0)`,
      );
      expect(moved).toBeGreaterThan(0.05);
      expect(early).toBeLessThan(1e-5);
      expect(late).toBeLessThan(1e-4);
    } finally {
      rt.destroy();
    }
  }, 300_000);
});
