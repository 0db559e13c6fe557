/**
 * The float64 diffusion-reaction reference (src/pde/diffusion_reaction.ts): second-order
 * convergence in h and dt against a manufactured solution, the benchmark's data against a
 * residual check, and the argument errors.
 */
import { describe, expect, it } from 'vitest';
import {
  diffusionReactionData,
  interpolateUniform,
  solveDiffusionReaction,
} from '../../src/pde/diffusion_reaction';
import { Rng } from '../../src/random';

// u = sin(pi x) sin(2 t) + x (1 - x) t^2 vanishes at t = 0, x = 0, x = 1; f is what it needs.
const [D, k] = [0.01, 0.01];
const exact = (x: number, t: number) =>
  Math.sin(Math.PI * x) * Math.sin(2 * t) + x * (1 - x) * t * t;
function source(x: number, t: number): number {
  const ut = 2 * Math.sin(Math.PI * x) * Math.cos(2 * t) + 2 * x * (1 - x) * t;
  const uxx = -Math.PI * Math.PI * Math.sin(Math.PI * x) * Math.sin(2 * t) - 2 * t * t;
  return ut - D * uxx + k * exact(x, t) ** 2;
}

function maxError(n: number): number {
  const u = solveDiffusionReaction(source, { nx: n + 1, nt: n, D, k });
  let err = 0;
  for (let s = 0; s <= n; s++)
    for (let i = 0; i <= n; i++)
      err = Math.max(err, Math.abs(u[s * (n + 1) + i] - exact(i / n, s / n)));
  return err;
}

describe('diffusion-reaction reference solver', () => {
  it('converges at second order in h and dt to a manufactured solution', () => {
    const errs = [16, 32, 64].map(maxError);
    const rates = [Math.log2(errs[0] / errs[1]), Math.log2(errs[1] / errs[2])];
    expect(errs[2]).toBeLessThan(2e-4);
    for (const r of rates) expect(r).toBeGreaterThan(1.9);
    for (const r of rates) expect(r).toBeLessThan(2.1);
  });

  it('is stiffly stable with a strong reaction and large steps (Newton converges)', () => {
    const v = new Array(21).fill(0).map((_, i) => 50 * Math.sin((Math.PI * i) / 20));
    const u = solveDiffusionReaction(v, { nx: 21, nt: 4, D: 1, k: 1 });
    expect(u.every(Number.isFinite)).toBe(true);
    // steady state of u_xx-dominated problem is bounded by v's maximum / (pi^2 D)
    expect(Math.max(...u)).toBeLessThan(50 / Math.PI ** 2);
  });

  it('benchmark data: u satisfies the PDE to discretisation error at the query grid', () => {
    const d = diffusionReactionData(new Rng(3), { count: 2, sensors: 21, refine: 8 });
    const [m, mt] = [21, 21];
    const h = 1 / 20;
    let [num, den] = [0, 0];
    for (let s = 0; s < 2; s++)
      for (let n = 1; n < mt - 1; n++)
        for (let i = 1; i < m - 1; i++) {
          const at = (nn: number, ii: number) => d.u[(s * mt + nn) * m + ii];
          const ut = (at(n + 1, i) - at(n - 1, i)) / (2 * h);
          const uxx = (at(n, i - 1) - 2 * at(n, i) + at(n, i + 1)) / (h * h);
          const r = ut - D * uxx + k * at(n, i) ** 2 - d.v[s * m + i];
          [num, den] = [num + r * r, den + d.v[s * m + i] ** 2];
        }
    expect(Math.sqrt(num / den)).toBeLessThan(2e-2);
    expect(d.u.slice(0, m).every((x) => x === 0)).toBe(true); // initial value
    expect(d.x[20]).toBe(1);
    // the fine forcing interpolated back at the sensors is the sensor forcing
    const back = interpolateUniform(d.vFine, 2, d.x);
    for (let j = 0; j < back.length; j++) expect(back[j]).toBeCloseTo(d.v[j], 5);
  });

  it('names wrong arguments', () => {
    expect(() => solveDiffusionReaction([0, 0, 0], { nx: 4, nt: 1 })).toThrow(/needs nx = 4/);
    expect(() => solveDiffusionReaction(source, { nx: 2, nt: 1 })).toThrow(/nx is 2/);
    expect(() => solveDiffusionReaction(source, { nx: 5, nt: 1, D: -1 })).toThrow(/D is -1/);
    expect(() => diffusionReactionData(new Rng(0), { count: 0 })).toThrow(/count is 0/);
    expect(() => interpolateUniform([1, 2, 3], 2, [0])).toThrow(/not 2 rows/);
  });
});
