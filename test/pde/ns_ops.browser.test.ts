/**
 * The Navier-Stokes solver ops (src/pde/ns_ops.ts) against their float64 references, on grids with
 * and without a Nyquist bin in the dealiased band, batch 1 and 3, both dealiasing conventions; the
 * compensated update of ns_cn; the errors. They have no gradient.
 */
import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { nsAdvect, nsCn, nsDealias, nsDerivs, nsWavenumber } from '../../src/pde/ns_ops';
import { opSuite, type OpCase } from '../ops/harness';

const cx = (shape: number[]) => ({ shape, dtype: 'complex64' as const });
const cases: OpCase[] = [];
for (const [b, n] of [
  [1, 4],
  [3, 8],
  [2, 12],
]) {
  const m = n / 2 + 1;
  cases.push(
    { name: `ns_derivs b${b} n${n}`, inputs: [cx([b, 2, n, m])], fn: nsDerivs, skipGrad: true },
    {
      name: `ns_advect b${b} n${n}`,
      inputs: [{ shape: [b, 4, n, n] }],
      fn: nsAdvect,
      skipGrad: true,
    },
  );
  for (const dealias of ['nonlinear', 'state'] as const)
    cases.push({
      name: `ns_cn b${b} n${n} dealias ${dealias}`,
      inputs: [cx([b, 2, n, m]), cx([b, n, m]), cx([n, m])],
      fn: (state, fh, f) => nsCn(state, fh, f, { dt: 0.01, nu: 0.05, dealias }),
      skipGrad: true,
    });
}
opSuite('navier-stokes ops', cases);

describe('ns_cn keeps what f32 rounding drops', () => {
  it('increments below half an ulp of hi add up in lo (32 steps of 2^-30 onto 1)', async () => {
    const rt = await w.init();
    try {
      const [n, m, steps, inc] = [4, 3, 32, 2 ** -30];
      const state = new Float32Array(2 * n * m * 2);
      for (let p = 0; p < n * m; p++) state[2 * p] = 1; // hi = 1 + 0i, lo = 0
      const force = new Float32Array(2 * n * m).fill(inc); // nu = 0, dt = 1: increment = f_h
      let s = rt.tensor(state, [1, 2, n, m], { dtype: 'complex64' });
      const zero = rt.zeros([1, n, m], { dtype: 'complex64' });
      const f = rt.tensor(force, [n, m], { dtype: 'complex64' });
      for (let k = 0; k < steps; k++) s = nsCn(s, zero, f, { dt: 1, nu: 0 });
      const out = await s.read();
      const plane = 2 * n * m;
      for (let p = 0; p < n * m; p++) {
        expect(out[2 * p]).toBe(1); // hi alone never moves: 2^-30 < half an ulp of 1
        expect(out[plane + 2 * p]).toBe(steps * inc); // exact: lo holds every increment
        expect(out[plane + 2 * p + 1] + out[2 * p + 1]).toBe(steps * inc);
      }
    } finally {
      rt.destroy();
    }
  });

  it("dealias 'state' zeroes hi and lo outside the 2/3 band", async () => {
    const rt = await w.init();
    try {
      const [n, m] = [8, 5];
      const hiOnes = new Float32Array(2 * 2 * n * m).fill(1, 0, 2 * n * m); // lo = 0
      const s = rt.tensor(hiOnes, [1, 2, n, m], { dtype: 'complex64' });
      const zero = rt.zeros([1, n, m], { dtype: 'complex64' });
      const f = rt.zeros([n, m], { dtype: 'complex64' });
      const out = await nsCn(s, zero, f, { dt: 1e-3, nu: 0, dealias: 'state' }).read();
      for (let q = 0; q < 2; q++)
        for (let i = 0; i < n; i++)
          for (let j = 0; j < m; j++) {
            const keep = nsDealias(n, ...nsWavenumber(n, i, j));
            const at = 2 * (q * n * m + i * m + j);
            expect([out[at], out[at + 1]]).toEqual(keep ? [q ? 0 : 1, q ? 0 : 1] : [0, 0]);
          }
    } finally {
      rt.destroy();
    }
  });
});

describe('navier-stokes op errors', () => {
  it('name the op and the expected shapes', async () => {
    const rt = await w.init();
    try {
      const z = rt.zeros([2, 8, 4], { dtype: 'complex64' });
      const f = rt.zeros([8, 5], { dtype: 'complex64' });
      expect(() => nsDerivs(z)).toThrow(
        /ns_derivs: state is complex64 \[2, 8, 4\]; expected complex64 \[batch, 2, n, n\/2 \+ 1\]/,
      );
      expect(() => nsAdvect(rt.zeros([1, 3, 8, 8]))).toThrow(
        /ns_advect: fields are f32 \[1, 3, 8, 8\]/,
      );
      const state = rt.zeros([2, 2, 8, 5], { dtype: 'complex64' });
      const wh = rt.zeros([2, 8, 5], { dtype: 'complex64' });
      expect(() => nsCn(wh, wh, f, { dt: 1, nu: 0 })).toThrow(
        /ns_cn: state is complex64 \[2, 8, 5\]; expected complex64 \[batch, 2, n, n\/2 \+ 1\]/,
      );
      expect(() =>
        nsCn(state, rt.zeros([1, 8, 5], { dtype: 'complex64' }), f, { dt: 1, nu: 0 }),
      ).toThrow(
        /ns_cn: F_h \[1, 8, 5\] must be \[batch, n, n\/2 \+ 1\] of the state \[2, 2, 8, 5\]/,
      );
      expect(() =>
        nsCn(state, wh, rt.zeros([8, 4], { dtype: 'complex64' }), { dt: 1, nu: 0 }),
      ).toThrow(/ns_cn: forcing f_h is complex64 \[8, 4\]; expected complex64 \[8, 5\]/);
      expect(() => nsCn(state, wh, f, { dt: -1, nu: 0 })).toThrow(/ns_cn: dt = -1/);
      const bad = { dt: 1, nu: 0, dealias: 'both' as 'state' };
      expect(() => nsCn(state, wh, f, bad)).toThrow(
        /ns_cn: dealias = both; valid: nonlinear, state/,
      );
      expect(() =>
        w.backward(w.sum(nsAdvect(rt.zeros([1, 4, 4, 4], { requiresGrad: true })))),
      ).toThrow(/ns_advect: has no gradient/);
    } finally {
      rt.destroy();
    }
  });
});
