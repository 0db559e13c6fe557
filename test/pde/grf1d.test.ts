import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random';
import { Grf1d } from '../../src/pde/grf1d';
import { antiderivativeData } from '../../src/pde/antiderivative';
import { relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';

/** Empirical covariance of the fields' values at points i and j. */
function empiricalCov(f: Float64Array, n: number, i: number, j: number): number {
  const count = f.length / n;
  let s = 0;
  for (let b = 0; b < count; b++) s += f[b * n + i] * f[b * n + j];
  return s / count;
}

describe('Grf1d: Gaussian random fields on an interval (DeepXDE GRF)', () => {
  it('has the RBF and absolute-exponential covariances', () => {
    const x = [0, 0.1, 0.3, 0.7];
    const count = 20000;
    for (const [kernel, k] of [
      ['rbf', (d: number) => 2 * Math.exp(-(d * d) / (2 * 0.2 * 0.2))],
      ['ae', (d: number) => 2 * Math.exp(-d / 0.2)],
    ] as const) {
      const f = new Grf1d(x, { lengthScale: 0.2, kernel, variance: 2 }).sample(new Rng(1), count);
      for (let i = 0; i < x.length; i++)
        for (let j = 0; j <= i; j++) {
          // Standard error of a covariance estimate: about 2 * sqrt(2 / count) ~ 0.02.
          const want = k(Math.abs(x[i] - x[j]));
          expect(
            Math.abs(empiricalCov(f, x.length, i, j) - want),
            `${kernel} ${i},${j}`,
          ).toBeLessThan(0.08);
        }
    }
  });

  it('factorises a dense RBF grid with a small jitter and is reproducible from the seed', () => {
    const grf = new Grf1d(Grf1d.linspace(0, 1, 200), { lengthScale: 0.2 });
    expect(grf.jitter).toBeGreaterThanOrEqual(1e-12);
    expect(grf.jitter).toBeLessThanOrEqual(1e-6);
    const a = grf.sample(new Rng(7), 3);
    expect(a.length).toBe(600);
    expect([...grf.sample(new Rng(7), 3)]).toEqual([...a]);
    expect(relL2(grf.sample(new Rng(8), 3), a)).toBeGreaterThan(0.5);
    // Smooth at the length scale: neighbouring values 1/199 apart differ by ~ 1/(199 * 0.2).
    let maxJump = 0;
    for (let i = 1; i < 200; i++) maxJump = Math.max(maxJump, Math.abs(a[i] - a[i - 1]));
    expect(maxJump).toBeLessThan(0.15);
  });

  it('linspace includes both ends', () => {
    expect([...Grf1d.linspace(0, 1, 5)]).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect([...Grf1d.linspace(2, 3, 1)]).toEqual([2]);
  });

  it('rejects bad options', () => {
    expectWgnoError(() => new Grf1d([0, 1], { lengthScale: 0 }), 'Grf1d', /lengthScale is 0/);
    expectWgnoError(() => new Grf1d([0, 1], { variance: NaN }), 'Grf1d', /variance is NaN/);
    expectWgnoError(
      () => new Grf1d([0, 1], { kernel: 'matern' as 'rbf' }),
      'Grf1d',
      /valid: 'rbf', 'ae'/,
    );
    expectWgnoError(() => new Grf1d([]), 'Grf1d', /at least one point/);
    expectWgnoError(() => new Grf1d([0, 1]).sample(new Rng(0), 0), 'Grf1d', /count is 0/);
  });
});

describe('antiderivativeData: u = integral of v', () => {
  it("holds u(0) = 0 and u' = v at the sensors", () => {
    const m = 50;
    const { x, v, u } = antiderivativeData(new Rng(3), { count: 4, sensors: m });
    expect([x[0], x[m - 1], v.length, u.length]).toEqual([0, 1, 4 * m, 4 * m]);
    const h = 1 / (m - 1);
    for (let s = 0; s < 4; s++) {
      expect(u[s * m]).toBe(0);
      // Central differences of u against v: O(h^2 v''') with v'' ~ 1 / 0.2^2.
      const du: number[] = [];
      const vi: number[] = [];
      for (let i = 1; i + 1 < m; i++) {
        du.push((u[s * m + i + 1] - u[s * m + i - 1]) / (2 * h));
        vi.push(v[s * m + i]);
      }
      expect(relL2(du, vi), `function ${s}`).toBeLessThan(5e-3);
    }
  });

  it('rejects bad sizes', () => {
    expectWgnoError(
      () => antiderivativeData(new Rng(0), { count: 2, sensors: 1 }),
      'antiderivativeData',
      /sensors is 1; it must be an integer >= 2/,
    );
  });
});
