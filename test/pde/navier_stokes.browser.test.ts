import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { NavierStokes2d } from '../../src/pde/navier_stokes';
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
