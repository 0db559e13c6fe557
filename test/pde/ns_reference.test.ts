import { describe, expect, it } from 'vitest';
import { rfft2d64 } from '../../src/pde/fft64';
import {
  nsForcing,
  nsWavenumbers,
  solveNsReference,
  type NsReferenceOptions,
} from '../../src/pde/ns_reference';
import { relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';
import { loadNsFixture } from './f64_fixture';

/** f(2 pi (k0 x_i + k1 y_j)) on an n x n grid, x_i = i/n, y_j = j/n. */
function mode(n: number, k0: number, k1: number, f: (t: number) => number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) out[i * n + j] = f((2 * Math.PI * (k0 * i + k1 * j)) / n);
  return out;
}

describe('ns_reference (the FNO paper pseudo-spectral solver, float64)', () => {
  it('tables: k_x = -n/2 on row n/2, k_y = -n/2 on the Nyquist column, lap[0] = 1, 2/3 rule', () => {
    const { m, kx, ky, lap, dealias } = nsWavenumbers(8);
    expect(m).toBe(5);
    expect([...ky.subarray(0, 5)]).toEqual([0, 1, 2, 3, -4]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => kx[i * 5])).toEqual([0, 1, 2, 3, -4, -3, -2, -1]);
    expect(lap[0]).toBe(1);
    expect(lap[5 + 2]).toBeCloseTo(4 * Math.PI ** 2 * 5, 12);
    // |k| <= 8/3: k in {-2, .., 2} along x (5 rows) times {0, 1, 2} along y
    expect(dealias.reduce((a, b) => a + b, 0)).toBe(15);
  });

  it('the paper forcing has one half-spectrum bin, (1, 1)', () => {
    const n = 16;
    const f = nsForcing(n);
    expect(f[3 * n + 5]).toBeCloseTo(0.1 * (Math.sin(Math.PI) + Math.cos(Math.PI)), 15);
    const h = rfft2d64(f, n, n);
    const p = 1 * (n / 2 + 1) + 1;
    const energy = (a: Float64Array) => a.reduce((s, v, q) => (q === p ? s : s + v * v), 0);
    expect(Math.sqrt(energy(h.re) + energy(h.im))).toBeLessThan(1e-13);
    expect(h.re[p]).toBeCloseTo((0.1 * n * n) / 2, 12); // cos part: (n^2 / 2) * 0.1
    expect(h.im[p]).toBeCloseTo((-0.1 * n * n) / 2, 12); // sin part: -(n^2 / 2) * 0.1
  });

  it('a single Fourier mode without forcing decays by the Crank-Nicolson factor', () => {
    const [n, nu, dt] = [16, 0.01, 0.01];
    const w0 = mode(n, 2, 3, (t) => Math.sin(t) + 0.5 * Math.cos(t));
    const opts = { nu, dt, steps: 40, recordEvery: 10, forcing: new Float64Array(n * n) };
    const a = 0.5 * dt * nu * 4 * Math.PI ** 2 * 13;
    const records = solveNsReference(w0, n, opts);
    expect(records.length).toBe(4);
    records.forEach((w, r) => {
      const factor = ((1 - a) / (1 + a)) ** (10 * (r + 1));
      expect(
        relL2(
          w,
          w0.map((v) => factor * v),
        ),
      ).toBeLessThan(1e-13);
    });
    expect(records[3][0] / w0[0]).toBeLessThan(0.2); // it did decay
  });

  it('with the paper forcing along the same wave vector, follows the linear CN recursion', () => {
    const [n, nu, dt, steps] = [16, 0.05, 0.02, 30];
    const w0 = mode(n, 1, 1, Math.sin);
    const f = nsForcing(n);
    const a = 0.5 * dt * nu * 8 * Math.PI ** 2;
    const [r, c] = [(1 - a) / (1 + a), dt / (1 + a)];
    const [w] = solveNsReference(w0, n, { nu, dt, steps, recordEvery: steps });
    // w_s = r^s w0 + c (1 - r^s) / (1 - r) f
    const want = w0.map((v, p) => r ** steps * v + (c * (1 - r ** steps) * f[p]) / (1 - r));
    expect(relL2(w, want)).toBeLessThan(1e-13);
  });

  it("dealias 'state' zeroes a mode beyond (2/3)(n/2) in one step; 'nonlinear' decays it", () => {
    const [n, nu, dt] = [16, 0.01, 0.01];
    const w0 = mode(n, 6, 1, Math.cos); // k_x = 6 > 16/3 (a single mode: no nonlinear term)
    const opts = { nu, dt, steps: 1, recordEvery: 1, forcing: new Float64Array(n * n) };
    const [masked] = solveNsReference(w0, n, { ...opts, dealias: 'state' });
    const [decayed] = solveNsReference(w0, n, opts);
    const h = 0.5 * dt * nu * 4 * Math.PI ** 2 * 37;
    expect(Math.max(...masked.map(Math.abs))).toBeLessThan(1e-13); // |w0| <= 1: only round-off
    expect(
      relL2(
        decayed,
        w0.map((v) => ((1 - h) / (1 + h)) * v),
      ),
    ).toBeLessThan(1e-13);
  });

  it('matches the full-spectrum PyTorch float64 loop (n 32, nu 1e-3, dt 1e-3, 40 steps)', async () => {
    const fx = await loadNsFixture('ns.safetensors');
    const w0 = fx.get('w0');
    expect(w0.shape).toEqual([32, 32]);
    const want = fx.f64('w');
    const records = solveNsReference(w0.data, 32, {
      nu: 1e-3,
      dt: 1e-3,
      steps: 40,
      recordEvery: 10,
    });
    expect(records.length).toBe(4);
    records.forEach((w, r) => {
      expect(relL2(w, want.subarray(r * 1024, (r + 1) * 1024))).toBeLessThan(1e-10);
    });
    // the flow moved: the last record is far from w0 in relative terms
    expect(relL2(records[3], w0.data)).toBeGreaterThan(1e-3);
  });

  it('rejects bad inputs with the argument and what is valid', () => {
    const w0 = new Float64Array(64);
    const ok: NsReferenceOptions = { nu: 1e-3, dt: 1e-3, steps: 4, recordEvery: 2 };
    const run =
      (n: number, o: Partial<typeof ok> & { forcing?: Float64Array }, w = w0) =>
      () =>
        solveNsReference(w, n, { ...ok, ...o });
    const op = 'ns_reference';
    expectWgnoError(run(6, {}), op, /n is 6; valid: a power of two >= 4/);
    expectWgnoError(run(2, {}, new Float64Array(4)), op, /n is 2/);
    expectWgnoError(run(8, {}, new Float64Array(60)), op, /w0 has 60 values; .* needs 64/);
    expectWgnoError(run(8, { forcing: new Float64Array(3) }), op, /forcing has 3 values/);
    expectWgnoError(run(8, { dt: 0 }), op, /dt is 0; it must be a finite number > 0/);
    expectWgnoError(run(8, { nu: NaN }), op, /nu is NaN/);
    expectWgnoError(run(8, { steps: 2.5 }), op, /steps is 2.5; it must be an integer >= 1/);
    expectWgnoError(run(8, { recordEvery: 3 }), op, /recordEvery is 3; .* divides steps \(4\)/);
    expectWgnoError(() => nsWavenumbers(12), op, /n is 12/);
    const both = 'both' as 'state';
    expectWgnoError(run(8, { dealias: both }), op, /dealias is both; valid: nonlinear, state/);
  });
});
