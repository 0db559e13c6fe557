import { describe, expect, it } from 'vitest';
import { init } from '../../src/index';
import { DarcySolver } from '../../src/pde/darcy';
import {
  darcyApply,
  darcyFaces,
  darcyResidual,
  darcyRhs,
  solveDarcyReference,
} from '../../src/pde/darcy_reference';
import { thresholdCoefficient } from '../../src/pde/darcy_dataset';
import {
  grfNeumannFromNormals,
  grfNeumannWeights,
  sampleGrfNeumann,
} from '../../src/pde/grf_neumann';
import { samplePointCloud } from '../../src/pde/point_cloud';
import { Rng } from '../../src/random';
import { dot, relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';
import { manufactured, maxAbsDiff, transpose } from './darcy_cases';

/** A random coefficient field [s, s] with values 3 and 12 (the paper's two levels). */
const twoLevel = (rng: Rng, s: number) =>
  Float64Array.from({ length: s * s }, () => (rng.uniform() < 0.5 ? 3 : 12));

describe('Darcy float64 reference (5-point FD, banded Cholesky)', () => {
  it('is second order on a manufactured solution with a smooth variable coefficient', () => {
    const errs = [17, 33].map((s) => {
      const { a, f, u } = manufactured(s);
      return maxAbsDiff(solveDarcyReference(a, s, { f }), u);
    });
    console.log(`manufactured: max error ${errs.map((e) => e.toExponential(2)).join(', ')}`);
    // Halving h divides the error by about 4.
    expect(errs[0] / errs[1]).toBeGreaterThan(3.6);
    expect(errs[0] / errs[1]).toBeLessThan(4.4);
    expect(errs[1]).toBeLessThan(2e-3);
  });

  it('solves its own system to rounding, for both face means', () => {
    const s = 21;
    const a = twoLevel(new Rng(3), s);
    for (const faceMean of ['harmonic', 'arithmetic'] as const) {
      const u = solveDarcyReference(a, s, { faceMean });
      expect(darcyResidual(a, u, s, { faceMean })).toBeLessThan(1e-12);
      for (let k = 0; k < s; k++) {
        expect([u[k], u[(s - 1) * s + k], u[k * s], u[k * s + s - 1]]).toEqual([0, 0, 0, 0]);
      }
    }
    const uh = solveDarcyReference(a, s);
    const ua = solveDarcyReference(a, s, { faceMean: 'arithmetic' });
    expect(relL2(uh, ua)).toBeGreaterThan(1e-3); // the two means give different fluxes
  });

  it('has a symmetric positive definite operator', () => {
    const s = 12;
    const rng = new Rng(4);
    const faces = darcyFaces(twoLevel(rng, s), s);
    const interiorOnly = (v: Float64Array) => {
      for (let i = 0; i < s; i++)
        for (let j = 0; j < s; j++) if (i % (s - 1) === 0 || j % (s - 1) === 0) v[i * s + j] = 0;
      return v;
    };
    const v = interiorOnly(Float64Array.from(rng.normals(s * s)));
    const w = interiorOnly(Float64Array.from(rng.normals(s * s)));
    const vAw = dot(v, darcyApply(faces, w));
    expect(Math.abs(vAw - dot(darcyApply(faces, v), w))).toBeLessThan(1e-12 * Math.abs(vAw));
    expect(dot(v, darcyApply(faces, v))).toBeGreaterThan(0);
  });

  it('commutes with the symmetries of the square', () => {
    const s = 15;
    const a = twoLevel(new Rng(5), s);
    const u = solveDarcyReference(a, s);
    expect(maxAbsDiff(solveDarcyReference(transpose(a, s), s), transpose(u, s))).toBeLessThan(
      1e-14,
    );
    const flip = (v: Float64Array) => v.map((_, k) => v[(s - 1 - Math.floor(k / s)) * s + (k % s)]);
    expect(maxAbsDiff(solveDarcyReference(flip(a), s), flip(u))).toBeLessThan(1e-14);
  });

  it('rejects bad sizes, coefficients and right-hand sides', () => {
    const op = 'solveDarcyReference';
    const ok = new Float64Array(25).fill(1);
    expectWgnoError(
      () => solveDarcyReference(new Float64Array(4), 2),
      op,
      /s = 2; need an integer >= 3/,
    );
    expectWgnoError(() => solveDarcyReference(ok, 4), op, /a has 25 values; need a whole number/);
    expectWgnoError(() => solveDarcyReference(new Float64Array(50).fill(1), 5), op, /one field/);
    const neg = ok.slice();
    neg[7] = -1;
    expectWgnoError(() => solveDarcyReference(neg, 5), op, /a\[0, 1, 2\] is -1; .* > 0/);
    neg[7] = NaN;
    expectWgnoError(() => solveDarcyReference(neg, 5), op, /a\[0, 1, 2\] is NaN/);
    expectWgnoError(() => solveDarcyReference(ok, 5, { f: [1, 2] }), op, /f has 2 values/);
    expectWgnoError(() => solveDarcyReference(ok, 5, { f: Infinity }), op, /f = Infinity/);
    expect(darcyRhs(5, 2)[6]).toBe(2 / 16);
  });
});

describe('Neumann Gaussian random field (cosine basis, alpha 2, tau 3)', () => {
  it('is the Karhunen-Loeve sum, with zero (trapezoidal) mean', () => {
    const [s, modes] = [9, 6];
    const z = new Rng(6).normals(modes * modes);
    const u = grfNeumannFromNormals(z, s, 1, { modes });
    const w = grfNeumannWeights(s, { modes });
    expect(w[0]).toBe(0);
    expect(w[1]).toBeCloseTo((Math.PI ** 2 + 9) ** -1, 15);
    const phi = (k: number, x: number) => (k === 0 ? 1 : Math.SQRT2 * Math.cos(Math.PI * k * x));
    const [i, j] = [2, 7];
    let direct = 0;
    for (let k1 = 0; k1 < modes; k1++)
      for (let k2 = 0; k2 < modes; k2++)
        direct += w[k1 * modes + k2] * z[k1 * modes + k2] * phi(k1, i / 8) * phi(k2, j / 8);
    expect(u[i * s + j]).toBeCloseTo(direct, 13);
    // The trapezoidal rule integrates cos(pi k x) on these nodes to 0 exactly for 0 < k < 2(s-1).
    const trap = (k: number) => (k === 0 || k === s - 1 ? 0.5 : 1);
    let mean = 0;
    for (let p = 0; p < s * s; p++) mean += trap(Math.floor(p / s)) * trap(p % s) * u[p];
    expect(Math.abs(mean) / Math.sqrt(dot(u, u) / (s * s))).toBeLessThan(1e-13);
  });

  it('has the pointwise variance of the covariance (2000 samples)', () => {
    const [s, count] = [5, 2000];
    const u = sampleGrfNeumann(new Rng(7), s, count);
    const w = grfNeumannWeights(s);
    const phi = (k: number, x: number) => (k === 0 ? 1 : Math.SQRT2 * Math.cos(Math.PI * k * x));
    for (const [i, j] of [
      [0, 0],
      [2, 1],
    ]) {
      let want = 0;
      for (let k = 0; k < s * s; k++)
        want += (w[k] * phi(Math.floor(k / s), i / 4) * phi(k % s, j / 4)) ** 2;
      let got = 0;
      for (let b = 0; b < count; b++) got += u[b * s * s + i * s + j] ** 2 / count;
      expect(Math.abs(got / want - 1)).toBeLessThan(0.1); // ~3 standard errors of sqrt(2 / 2000)
    }
  });

  it('is reproducible from the seed; thresholds to 12 where >= 0 and 3 elsewhere', () => {
    const g = sampleGrfNeumann(new Rng(8), 16, 2);
    expect([...sampleGrfNeumann(new Rng(8), 16, 2)]).toEqual([...g]);
    expect(relL2(sampleGrfNeumann(new Rng(9), 16, 2), g)).toBeGreaterThan(0.5);
    const a = thresholdCoefficient(g);
    const high = a.filter((v) => v === 12).length;
    expect(high + a.filter((v) => v === 3).length).toBe(a.length);
    expect(high / a.length).toBeGreaterThan(0.15);
    expect(high / a.length).toBeLessThan(0.85);
    expect([...thresholdCoefficient([0, -0, -1e-30, 2], 5, 1)]).toEqual([5, 5, 1, 5]);
  });

  it('rejects bad parameters', () => {
    const op = 'grfNeumann';
    expectWgnoError(() => sampleGrfNeumann(new Rng(0), 1, 1), op, /s is 1/);
    expectWgnoError(() => sampleGrfNeumann(new Rng(0), 8, 0), op, /count is 0/);
    expectWgnoError(() => sampleGrfNeumann(new Rng(0), 8, 1, { tau: -3 }), op, /tau is -3/);
    expectWgnoError(() => grfNeumannFromNormals([1, 2], 8, 1), op, /z has 2 values; .* needs 64/);
  });
});

describe('samplePointCloud', () => {
  const s = 9;
  // f = 1 + 2x + 3y + 4xy is reproduced exactly by bilinear interpolation.
  const bilinearField = (b: number) =>
    Float32Array.from({ length: s * s }, (_, k) => {
      const [x, y] = [Math.floor(k / s) / (s - 1), (k % s) / (s - 1)];
      return b + 1 + 2 * x + 3 * y + 4 * x * y;
    });
  const field = { dtype: 'f32' as const, shape: [2, s, s], data: new Float32Array(2 * s * s) };
  field.data.set(bilinearField(0));
  field.data.set(bilinearField(10), s * s);

  it('interpolates bilinearly at seeded uniform points, the same points for every field', () => {
    const { points, values } = samplePointCloud(field, 50, 11);
    expect(points.shape).toEqual([50, 2]);
    expect(values.shape).toEqual([2, 50]);
    for (let p = 0; p < 50; p++) {
      const [x, y] = [points.data[2 * p], points.data[2 * p + 1]];
      expect(x >= 0 && x <= 1 && y >= 0 && y <= 1).toBe(true);
      for (const b of [0, 1])
        expect(values.data[b * 50 + p]).toBeCloseTo(b * 10 + 1 + 2 * x + 3 * y + 4 * x * y, 5);
    }
    const again = samplePointCloud(field, 50, 11);
    expect([...again.points.data]).toEqual([...points.data]);
    expect([...again.values.data]).toEqual([...values.data]);
    expect(relL2(samplePointCloud(field, 50, 12).points.data, points.data)).toBeGreaterThan(0.3);
  });

  it("'nodes' picks distinct nodes and their exact values", () => {
    const single = { dtype: 'f32' as const, shape: [s, s], data: bilinearField(0) };
    const { points, values } = samplePointCloud(single, s * s, 3, { mode: 'nodes' });
    expect(values.shape).toEqual([s * s]);
    const seen = new Set<number>();
    for (let p = 0; p < s * s; p++) {
      const [i, j] = [points.data[2 * p] * (s - 1), points.data[2 * p + 1] * (s - 1)];
      const node = Math.round(i) * s + Math.round(j);
      expect(Math.abs(i - Math.round(i)) + Math.abs(j - Math.round(j))).toBeLessThan(1e-5);
      expect(values.data[p]).toBe(single.data[node]);
      seen.add(node);
    }
    expect(seen.size).toBe(s * s);
  });

  it('rejects bad fields and counts', () => {
    const op = 'samplePointCloud';
    const bad = { dtype: 'f32' as const, shape: [4, 5], data: new Float32Array(20) };
    expectWgnoError(() => samplePointCloud(bad, 3, 0), op, /f32 \[4, 5\]; expected f32 \[s, s\]/);
    expectWgnoError(() => samplePointCloud(field, 0, 0), op, /count = 0/);
    expectWgnoError(
      () => samplePointCloud(field, 3, 0, { mode: 'random' as 'nodes' }),
      op,
      /mode 'random'; use 'bilinear' or 'nodes'/,
    );
    const short = { ...field, data: new Float32Array(5) };
    expectWgnoError(() => samplePointCloud(short, 3, 0), op, /needs 162 floats, data has 5/);
    expectWgnoError(
      () => samplePointCloud(field, 82, 0, { mode: 'nodes' }),
      op,
      /count = 82; .* <= s \* s = 81 distinct nodes/,
    );
  });
});

describe('DarcySolver in Node (webgpu package)', () => {
  it('matches the float64 solve', async () => {
    const rt = await init();
    try {
      const s = 17;
      const a = thresholdCoefficient(sampleGrfNeumann(new Rng(10), s, 2));
      const solver = await DarcySolver.create(rt, { s, batch: 2 });
      const sol = await solver.solve(a);
      solver.destroy();
      for (let b = 0; b < 2; b++) {
        const want = solveDarcyReference(a.subarray(b * s * s, (b + 1) * s * s), s);
        expect(relL2(sol.u.subarray(b * s * s, (b + 1) * s * s), want)).toBeLessThan(2e-5);
      }
      expect(sol.converged).toEqual([true, true]);
    } finally {
      rt.destroy();
    }
  });
});
