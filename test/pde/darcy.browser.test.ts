import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, parseSafetensors, type Runtime } from '../../src/index';
import { DarcySolver } from '../../src/pde/darcy';
import {
  generateDarcy,
  thresholdCoefficient,
  writeDarcyDataset,
} from '../../src/pde/darcy_dataset';
import { darcyResidual, solveDarcyReference } from '../../src/pde/darcy_reference';
import { sampleGrfNeumann } from '../../src/pde/grf_neumann';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';
import { manufactured, maxAbsDiff, transpose } from './darcy_cases';

/** k thresholded Neumann GRF coefficient fields [k, s, s] (the paper's data). */
const paperCoefficients = (seed: number, s: number, k: number) =>
  thresholdCoefficient(sampleGrfNeumann(new Rng(seed), s, k));
const field = (v: Float32Array, b: number, s: number) => v.subarray(b * s * s, (b + 1) * s * s);

describe('DarcySolver (batched Jacobi-PCG on the GPU)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('matches the float64 direct solve on thresholded GRF coefficients', async () => {
    const [s, k] = [33, 3];
    const a = paperCoefficients(1, s, k);
    const solver = await DarcySolver.create(rt, { s, batch: 4, tol: 1e-6 });
    const sol = await solver.solve(a);
    solver.destroy();
    expect(sol.u.length).toBe(k * s * s);
    for (let b = 0; b < k; b++) {
      const ab = field(a, b, s);
      const want = solveDarcyReference(ab, s);
      const err = relL2(field(sol.u, b, s), want);
      const res = darcyResidual(ab, field(sol.u, b, s), s);
      console.log(
        `s = ${s} field ${b}: rel L2 vs float64 ${err.toExponential(2)}, ${sol.iterations[b]} iterations, ` +
          `CG residual ${sol.residual[b].toExponential(2)}, float64 residual of the f32 u ${res.toExponential(2)}`,
      );
      expect(sol.converged[b]).toBe(true);
      expect(sol.residual[b]).toBeLessThanOrEqual(1e-6);
      expect(sol.iterations[b]).toBeGreaterThan(10);
      expect(err).toBeLessThan(2e-5);
      expect(res).toBeLessThan(1e-4);
    }
  });

  it('is second order on a manufactured solution (variable a, non-constant f)', async () => {
    const errs: number[] = [];
    for (const s of [17, 33]) {
      const { a, f, u } = manufactured(s);
      const solver = await DarcySolver.create(rt, { s, tol: 1e-7 });
      const sol = await solver.solve(a, f);
      solver.destroy();
      expect(maxAbsDiff(sol.u, solveDarcyReference(a, s, { f }))).toBeLessThan(1e-5);
      errs.push(maxAbsDiff(sol.u, u));
    }
    console.log(`GPU manufactured: max error ${errs.map((e) => e.toExponential(2)).join(', ')}`);
    expect(errs[0] / errs[1]).toBeGreaterThan(3.6);
    expect(errs[0] / errs[1]).toBeLessThan(4.4);
  });

  it('gives every field the same bits alone, in a batch and on a rerun', async () => {
    const s = 17;
    const a = paperCoefficients(2, s, 3);
    const batched = await DarcySolver.create(rt, { s, batch: 3, checkEvery: 7 });
    const alone = await DarcySolver.create(rt, { s, batch: 1, checkEvery: 3 });
    const all = await batched.solve(a);
    const again = await batched.solve(a);
    const one = await alone.solve(field(a, 1, s));
    batched.destroy();
    alone.destroy();
    expect([...again.u]).toEqual([...all.u]);
    expect([...one.u]).toEqual([...field(all.u, 1, s)]);
    expect(one.iterations[0]).toBe(all.iterations[1]);
    expect(new Set(all.iterations).size).toBeGreaterThan(1); // fields stop on their own
  });

  it("agrees between the 'lane' and 'workgroup' kernel targets", async () => {
    const s = 21;
    const a = paperCoefficients(6, s, 2);
    const wide = await init({ kernels: 'workgroup' });
    try {
      const results = [];
      for (const r of [rt, wide]) {
        const solver = await DarcySolver.create(r, { s, batch: 2 });
        results.push(await solver.solve(a));
        solver.destroy();
      }
      expect(relL2(results[1].u, results[0].u)).toBeLessThan(1e-5);
      expect(Math.max(...results[1].residual)).toBeLessThanOrEqual(1e-6);
    } finally {
      wide.destroy();
    }
  });

  it('commutes with transposing the coefficient', async () => {
    const s = 25;
    const a = paperCoefficients(3, s, 1);
    const solver = await DarcySolver.create(rt, { s, batch: 2 });
    const both = new Float32Array(2 * s * s);
    both.set(a);
    both.set(transpose(a, s), s * s);
    const sol = await solver.solve(both);
    solver.destroy();
    const err = relL2(field(sol.u, 1, s), transpose(field(sol.u, 0, s), s));
    expect(err).toBeLessThan(1e-5);
    expect(relL2(field(sol.u, 1, s), field(sol.u, 0, s))).toBeGreaterThan(0.01);
  });

  it('stops at maxIter and says it did not converge', async () => {
    const s = 17;
    const a = paperCoefficients(4, s, 2);
    const solver = await DarcySolver.create(rt, { s, batch: 2, maxIter: 5, checkEvery: 2 });
    const sol = await solver.solve(a);
    solver.destroy();
    expect(sol.iterations).toEqual([5, 5]);
    expect(sol.converged).toEqual([false, false]);
    expect(Math.min(...sol.residual)).toBeGreaterThan(1e-3);
    // A field stops at the first iteration whose residual is <= tol, not later.
    const full = await DarcySolver.create(rt, { s, tol: 1e-5 });
    const done = await full.solve(field(a, 0, s));
    full.destroy();
    const short = await DarcySolver.create(rt, { s, tol: 1e-5, maxIter: done.iterations[0] - 1 });
    const early = await short.solve(field(a, 0, s));
    short.destroy();
    expect(done.residual[0]).toBeLessThanOrEqual(1e-5);
    expect(early.residual[0]).toBeGreaterThan(1e-5);
    expect(early.converged).toEqual([false]);
    const zero = await DarcySolver.create(rt, { s });
    const none = await zero.solve(field(a, 0, s), 0); // f = 0: u = 0, no iterations
    zero.destroy();
    expect(none.iterations).toEqual([0]);
    expect(none.u.every((v) => v === 0)).toBe(true);
  });

  it('rejects bad options and inputs', async () => {
    await expect(DarcySolver.create(rt, { s: 2 })).rejects.toThrow(/s = 2; need an integer >= 3/);
    await expect(DarcySolver.create(rt, { s: 8, batch: 0 })).rejects.toThrow(/batch = 0/);
    await expect(DarcySolver.create(rt, { s: 8, tol: 0 })).rejects.toThrow(
      /tol = 0; need 0 < tol < 1/,
    );
    await expect(DarcySolver.create(rt, { s: 8, maxIter: 2.5 })).rejects.toThrow(/maxIter = 2.5/);
    await expect(
      DarcySolver.create(rt, { s: 8, faceMean: 'geometric' as 'harmonic' }),
    ).rejects.toThrow(/faceMean = 'geometric'/);
    const solver = await DarcySolver.create(rt, { s: 5, batch: 1 });
    const ones = new Float32Array(25).fill(1);
    await expect(solver.solve(new Float32Array(50).fill(1))).rejects.toThrow(
      /DarcySolver.solve: a holds 2 fields; this solver takes <= 1/,
    );
    await expect(solver.solve(new Float32Array(24))).rejects.toThrow(/a has 24 values/);
    const bad = ones.slice();
    bad[12] = 0;
    await expect(solver.solve(bad)).rejects.toThrow(/a\[0, 2, 2\] is 0; .* finite and > 0/);
    bad[12] = NaN;
    await expect(solver.solve(bad)).rejects.toThrow(/a\[0, 2, 2\] is NaN/);
    await expect(solver.solve(ones, new Float32Array(7))).rejects.toThrow(/f has 7 values/);
    await expect(solver.solve(ones, NaN)).rejects.toThrow(/f = NaN/);
    const pending = solver.solve(ones);
    await expect(solver.solve(ones)).rejects.toThrow(/this solver is busy; one solve at a time/);
    await pending;
    solver.destroy();
    await expect(solver.solve(ones)).rejects.toThrow(/this solver is destroyed/);
  });
});

describe('generateDarcy', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  const small = { n: 3, s: 17, seed: 5 };

  it('writes the FNO layout, independent of the batch size', async () => {
    const progress: number[] = [];
    const ds = await generateDarcy(rt, {
      ...small,
      batch: 2,
      onProgress: (p) => progress.push(p.done / p.total),
    });
    expect(progress).toEqual([2 / 3, 1]);
    expect(ds.coeff.shape).toEqual([3, 17, 17]);
    expect(ds.sol.shape).toEqual([3, 17, 17]);
    expect(ds.coeff.data.every((v) => v === 3 || v === 12)).toBe(true);
    expect([...ds.coeff.data]).toEqual([...paperCoefficients(5, 17, 3)]);
    const a2 = field(ds.coeff.data, 2, 17);
    expect(relL2(field(ds.sol.data, 2, 17), solveDarcyReference(a2, 17))).toBeLessThan(2e-5);
    expect(Math.max(...ds.residual)).toBeLessThanOrEqual(1e-6);
    const one = await generateDarcy(rt, { ...small, batch: 1 });
    expect([...one.sol.data]).toEqual([...ds.sol.data]);
    const back = parseSafetensors(writeDarcyDataset(ds));
    expect(back.tensors.get('sol')!.data).toEqual(ds.sol.data);
    expect(back.tensors.get('coeff')!.shape).toEqual([3, 17, 17]);
    expect(back.metadata).toMatchObject({ alpha: '2', tau: '3', high: '12', low: '3', s: '17' });
    expect(back.metadata).toMatchObject({ seed: '5', faceMean: 'harmonic', tol: '0.000001' });
  });

  it('stops when aborted and rejects bad options', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(generateDarcy(rt, { ...small, signal: ctl.signal })).rejects.toThrow(
      /aborted; no data set was produced/,
    );
    await expect(generateDarcy(rt, { ...small, n: 0 })).rejects.toThrow(/n = 0/);
    await expect(generateDarcy(rt, { ...small, low: -3 })).rejects.toThrow(/low = -3/);
    await expect(generateDarcy(rt, { ...small, s: 1 })).rejects.toThrow(/s = 1/);
  });
});
