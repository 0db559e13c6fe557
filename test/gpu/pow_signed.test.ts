import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, pow, powScalar, type Runtime } from '../../src/index';
import { powSigned } from '../../src/ops/special';

// The edges of kernels/lib/pow_signed.wgsl (the pow of binary.wgsl and the pow_scalar of
// unary.wgsl), each against the float64 reference: signed zeros, NaN, non-integer and infinite
// exponents of negative bases, and exponents past 2^31 (all even; i32(p) would call them odd).
const CASES: readonly [number, number][] = [
  [-2, 3],
  [-2, 2],
  [-0.5, -3],
  [-2, 0.5],
  [-2, 3e9],
  [-0.5, 3e9],
  [-2, Infinity],
  [0, -1],
  [-0, -1],
  [-0, 3],
  [-0, 2],
  [-0, 0.5],
  [-0, -0.5],
  [0, 0],
  [NaN, 0],
  [NaN, 2],
  [2, NaN],
  [-2, NaN],
  [3, 2],
  [2.5, -1.5],
];

/** Equal as the reference's f32: the same class (NaN, signed zero, infinity) and 1e-6 relative. */
function expectF32(got: number, want: number, what: string): void {
  const w = Math.fround(want);
  if (Number.isFinite(w) && w !== 0)
    expect(Math.abs(got - w) / Math.abs(w), what).toBeLessThan(1e-6);
  else expect(Object.is(got, w), `${what}: got ${Object.is(got, -0) ? '-0' : got}`).toBe(true);
}

describe('pow_signed on the device', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('pow (binary) equals powSigned on every edge', async () => {
    const x = rt.tensor(
      CASES.map((c) => c[0]),
      [CASES.length],
    );
    const p = rt.tensor(
      CASES.map((c) => c[1]),
      [CASES.length],
    );
    const got = await pow(x, p).read();
    CASES.forEach(([a, b], i) => expectF32(got[i], powSigned(a, b), `pow(${a}, ${b})`));
  });

  it('pow_scalar (unary) equals powSigned for finite exponents', async () => {
    const bases = [...new Set(CASES.map((c) => c[0]))];
    const x = rt.tensor(bases, [bases.length]);
    for (const e of new Set(CASES.map((c) => c[1]).filter(Number.isFinite))) {
      const got = await powScalar(x, e).read();
      bases.forEach((a, i) => expectF32(got[i], powSigned(a, e), `powScalar(${a}, ${e})`));
    }
  });
});
