/**
 * The Navier-Stokes solver ops (src/pde/ns_ops.ts) against their float64 references, on grids with
 * and without a Nyquist bin in the dealiased band, batch 1 and 3. They have no gradient.
 */
import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { nsAdvect, nsCn, nsDerivs } from '../../src/pde/ns_ops';
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
    { name: `ns_derivs b${b} n${n}`, inputs: [cx([b, n, m])], fn: nsDerivs, skipGrad: true },
    {
      name: `ns_advect b${b} n${n}`,
      inputs: [{ shape: [b, 4, n, n] }],
      fn: nsAdvect,
      skipGrad: true,
    },
    {
      name: `ns_cn b${b} n${n}`,
      inputs: [cx([b, n, m]), cx([b, n, m]), cx([n, m])],
      fn: (wh, fh, f) => nsCn(wh, fh, f, { dt: 0.01, nu: 0.05 }),
      skipGrad: true,
    },
  );
}
opSuite('navier-stokes ops', cases);

describe('navier-stokes op errors', () => {
  it('name the op and the expected shapes', async () => {
    const rt = await w.init();
    try {
      const z = rt.zeros([2, 8, 4], { dtype: 'complex64' });
      const f = rt.zeros([8, 5], { dtype: 'complex64' });
      expect(() => nsDerivs(z)).toThrow(
        /ns_derivs: w_h is complex64 \[2, 8, 4\]; expected complex64 \[batch, n, n\/2 \+ 1\]/,
      );
      expect(() => nsAdvect(rt.zeros([1, 3, 8, 8]))).toThrow(
        /ns_advect: fields are f32 \[1, 3, 8, 8\]/,
      );
      const wh = rt.zeros([2, 8, 5], { dtype: 'complex64' });
      expect(() =>
        nsCn(wh, wh, rt.zeros([8, 4], { dtype: 'complex64' }), { dt: 1, nu: 0 }),
      ).toThrow(/ns_cn: forcing f_h is complex64 \[8, 4\]; expected complex64 \[8, 5\]/);
      expect(() => nsCn(wh, wh, f, { dt: -1, nu: 0 })).toThrow(/ns_cn: dt = -1/);
      expect(() =>
        w.backward(w.sum(nsAdvect(rt.zeros([1, 4, 4, 4], { requiresGrad: true })))),
      ).toThrow(/ns_advect: has no gradient/);
    } finally {
      rt.destroy();
    }
  });
});
