import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random';
import { grfFromNormals, grfSqrtEig, sampleGrf2d } from '../../src/pde/grf';
import { relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';
import { loadNsFixture } from './f64_fixture';

/** max over fields of |mean| / rms. */
function worstMean(u: ArrayLike<number>, size: number): number {
  let worst = 0;
  for (let b = 0; b < u.length / size; b++) {
    let s = 0;
    let s2 = 0;
    for (let p = 0; p < size; p++) {
      s += u[b * size + p];
      s2 += u[b * size + p] ** 2;
    }
    worst = Math.max(worst, Math.abs(s / size) / Math.sqrt(s2 / size));
  }
  return worst;
}

describe('Gaussian random fields (FNO GaussianRF, alpha 2.5, tau 7)', () => {
  it('matches the PyTorch GaussianRF formulas on the same z (float64)', async () => {
    const fx = await loadNsFixture('grf.safetensors');
    const z = fx.get('z');
    expect(z.shape).toEqual([2, 16, 16, 2]);
    const want = fx.f64('u');
    const got = grfFromNormals(z.data, 16, 2);
    expect(relL2(got, want)).toBeLessThan(1e-12);
    for (let b = 0; b < 2; b++) {
      const field = (a: Float64Array) => a.subarray(b * 256, (b + 1) * 256);
      expect(relL2(field(got), field(want))).toBeLessThan(1e-12);
    }
  });

  it('has zero mean (sqrt_eig[0, 0] = 0) and the default sigma tau^(alpha - 1)', () => {
    const u = grfFromNormals(new Rng(1).normals(3 * 32 * 32 * 2), 32, 3);
    expect(worstMean(u, 32 * 32)).toBeLessThan(1e-14);
    expect(worstMean(sampleGrf2d(new Rng(2), 32, 3), 32 * 32)).toBeLessThan(1e-6);
    const eig = grfSqrtEig(8);
    expect(eig[0]).toBe(0);
    const sigma = 7 ** 1.5;
    // k = (0, 1): n^2 sqrt(2) sigma (4 pi^2 + 49)^(-1.25)
    expect(eig[1]).toBeCloseTo(64 * Math.SQRT2 * sigma * (4 * Math.PI ** 2 + 49) ** -1.25, 12);
    expect(eig[4 * 8]).toBe(eig[4]); // (k_x, k_y) = (-4, 0) and (0, -4): the same eigenvalue
    expect(grfSqrtEig(8, { sigma: 2 * sigma })[1]).toBeCloseTo(2 * eig[1], 12);
  });

  it('is reproducible from the seed and is float32 rounding of grfFromNormals', () => {
    const a = sampleGrf2d(new Rng(42), 16, 2);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(2 * 16 * 16);
    expect([...sampleGrf2d(new Rng(42), 16, 2)]).toEqual([...a]);
    expect(relL2(sampleGrf2d(new Rng(43), 16, 2), a)).toBeGreaterThan(0.5);
    const ref = grfFromNormals(new Rng(42).normals(2 * 16 * 16 * 2), 16, 2);
    expect([...a]).toEqual([...Float32Array.from(ref)]);
  });

  it('rejects bad sizes and parameters', () => {
    const z = new Float64Array(2 * 8 * 8 * 2);
    expectWgnoError(() => grfFromNormals(z, 12, 1), 'grf', /n is 12; valid: a power of two >= 2/);
    expectWgnoError(() => grfFromNormals(z, 1, 1), 'grf', /n is 1; valid/);
    expectWgnoError(() => grfFromNormals(z, 8, 0), 'grf', /count is 0; it must be an integer >= 1/);
    expectWgnoError(() => grfFromNormals(z, 8, 1.5), 'grf', /count is 1.5/);
    expectWgnoError(() => grfFromNormals(z, 8, 1), 'grf', /z has 256 values; .* needs 128/);
    expectWgnoError(() => grfFromNormals(z, 8, 2, { alpha: -1 }), 'grf', /alpha is -1; .* > 0/);
    expectWgnoError(() => grfFromNormals(z, 8, 2, { tau: NaN }), 'grf', /tau is NaN/);
    expectWgnoError(() => sampleGrf2d(new Rng(0), 8, 2, { sigma: 0 }), 'grf', /sigma is 0/);
  });
});
