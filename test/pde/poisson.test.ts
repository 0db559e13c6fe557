import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random';
import {
  evalSource,
  interpolateGrid,
  randomSource,
  sampleGrid,
  solveGaussianSource,
  solvePoisson,
} from '../../src/pde/poisson';
import { generatePoisson, poissonCloud, sampleAtPoints } from '../../src/pde/poisson_dataset';
import { expectWgnoError } from '../util/errors';

const { PI, sin, exp } = Math;

/** max |a - b| over the nodes. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** -lap_h u with the 5-point stencil at interior nodes (0 on the boundary). */
function minusLaplacian(u: Float64Array, s: number): Float64Array {
  const h2 = 1 / (s - 1) ** 2;
  const f = new Float64Array(s * s);
  for (let i = 1; i < s - 1; i++)
    for (let j = 1; j < s - 1; j++) {
      const k = i * s + j;
      f[k] = (4 * u[k] - u[k - 1] - u[k + 1] - u[k - s] - u[k + s]) / h2;
    }
  return f;
}

// g(x) = x (1 - x) e^x vanishes at 0 and 1; g'' = -(x^2 + 3x) e^x. u = g(x) g(y) is not a
// polynomial, so the 5-point stencil is not exact on it and the O(h^2) rate is visible.
const g = (t: number) => t * (1 - t) * exp(t);
const g2 = (t: number) => -(t * t + 3 * t) * exp(t);

describe('solvePoisson (5-point finite differences, sine-transform solve, float64)', () => {
  it('inverts the discrete Laplacian to rounding', () => {
    const s = 33;
    const rng = new Rng(1);
    const u = sampleGrid(s, (x, y) => (x > 0 && x < 1 && y > 0 && y < 1 ? rng.normal() : 0));
    const back = solvePoisson(minusLaplacian(u, s), s);
    expect(maxDiff(back, u)).toBeLessThan(1e-12);
  });

  it('converges at O(h^2) to analytic solutions', () => {
    const cases = [
      {
        u: (x: number, y: number) => sin(PI * x) * sin(PI * y),
        f: (x: number, y: number) => 2 * PI * PI * sin(PI * x) * sin(PI * y),
      },
      {
        u: (x: number, y: number) => g(x) * g(y),
        f: (x: number, y: number) => -(g2(x) * g(y) + g(x) * g2(y)),
      },
    ];
    for (const c of cases) {
      const errs = [17, 33, 65, 129].map((s) =>
        maxDiff(solvePoisson(sampleGrid(s, c.f), s), sampleGrid(s, c.u)),
      );
      for (let k = 1; k < errs.length; k++) {
        const rate = Math.log2(errs[k - 1] / errs[k]);
        expect(rate).toBeGreaterThan(1.95);
        expect(rate).toBeLessThan(2.05);
      }
      expect(errs[3]).toBeLessThan(1e-4);
    }
  });

  it('solves a Gaussian source with zero boundary and the sign of the source', () => {
    const s = 65;
    const u = solveGaussianSource([{ x: 0.4, y: 0.6, w: 0.08, a: 100 }], s);
    const edge = [0, s - 1].flatMap((i) =>
      Array.from({ length: s }, (_, j) => [u[i * s + j], u[j * s + i]]).flat(),
    );
    expect(maxDiff(edge, new Array(edge.length).fill(0))).toBe(0);
    // The maximum principle: -lap u >= 0 gives u >= 0, largest near the bump.
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    const at = (x: number, y: number) => interpolateGrid(u, s, x, y);
    expect(at(0.4, 0.6)).toBeGreaterThan(at(0.8, 0.2));
    // Against a 4x finer grid at the coarse nodes: O(h^2), so a small difference.
    const fine = solveGaussianSource([{ x: 0.4, y: 0.6, w: 0.08, a: 100 }], 257);
    const coarseOfFine = sampleGrid(s, (x, y) => interpolateGrid(fine, 257, x, y));
    expect(maxDiff(u, coarseOfFine) / Math.max(...u)).toBeLessThan(5e-3);
  });

  it('rejects bad grids and mismatched sizes', () => {
    expectWgnoError(() => solvePoisson(new Float64Array(100), 10), 'poisson', /2\^k \+ 1/);
    expectWgnoError(() => solvePoisson(new Float64Array(2), 2), 'poisson', /s = 2/);
    expectWgnoError(() => solvePoisson(new Float64Array(10), 5), 'poisson', /expected s \* s = 25/);
    expectWgnoError(() => randomSource(new Rng(0), { count: [3, 1] }), 'poisson', /count range/);
  });
});

describe('interpolateGrid', () => {
  it('is exact at nodes and for bilinear functions', () => {
    const s = 9;
    const lin = (x: number, y: number) => 1 + 2 * x - 3 * y + 5 * x * y;
    const grid = sampleGrid(s, lin);
    const rng = new Rng(4);
    for (let k = 0; k < 50; k++) {
      const [x, y] = [rng.uniform(), rng.uniform()];
      expect(interpolateGrid(grid, s, x, y)).toBeCloseTo(lin(x, y), 12);
    }
    expect(interpolateGrid(grid, s, 3 / 8, 5 / 8)).toBe(grid[3 * s + 5]);
    expect(interpolateGrid(grid, s, 1, 1)).toBe(grid[s * s - 1]);
  });
});

describe('generatePoisson / poissonCloud', () => {
  it('is seeded, and samples f exactly and u bilinearly at the cloud', () => {
    const ds = generatePoisson({ n: 3, s: 33, seed: 5 });
    const again = generatePoisson({ n: 3, s: 33, seed: 5 });
    expect(again.sources).toEqual(ds.sources);
    expect(again.u.data).toEqual(ds.u.data);
    expect(generatePoisson({ n: 3, s: 33, seed: 6 }).sources).not.toEqual(ds.sources);
    for (const bumps of ds.sources) {
      expect(bumps.length).toBeGreaterThanOrEqual(1);
      expect(bumps.length).toBeLessThanOrEqual(4);
    }
    const c = poissonCloud(ds, 40, 9);
    expect(c.points.shape).toEqual([40, 2]);
    expect(c.f.shape).toEqual([3, 40]);
    expect(c.u.shape).toEqual([3, 40]);
    expect(poissonCloud(ds, 40, 9).points.data).toEqual(c.points.data);
    const p = c.points.data;
    const plane = 33 * 33;
    for (const [b, q] of [
      [0, 0],
      [2, 17],
      [1, 39],
    ]) {
      const [x, y] = [p[2 * q], p[2 * q + 1]];
      expect(c.f.data[b * 40 + q]).toBeCloseTo(evalSource(ds.sources[b], x, y), 3);
      const grid = ds.u.data.subarray(b * plane, (b + 1) * plane);
      expect(c.u.data[b * 40 + q]).toBeCloseTo(interpolateGrid(grid, 33, x, y), 6);
    }
    expect(() => sampleAtPoints(ds.sources[0], ds.u.data, 33, [0.5])).toThrow(/pairs/);
    expectWgnoError(() => generatePoisson({ n: 0 }), 'generatePoisson', /n = 0/);
  });
});
