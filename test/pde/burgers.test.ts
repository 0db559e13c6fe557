/**
 * Cole-Hopf Burgers solutions against an independent solve of the PDE: pseudo-spectral in space,
 * classical RK4 in time, float64, fine enough that its own error is far below the tolerance.
 */
import { describe, expect, it } from 'vitest';
import { burgersColeHopf, sampleGrf1d } from '../../src/pde/burgers';
import { fft64 } from '../../src/pde/fft64';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';

/** du/dt = -(u^2/2)_x + nu u_xx, derivatives spectral (2/3-rule free: the solution is smooth). */
function rhs(u: Float64Array, nu: number): Float64Array {
  const n = u.length;
  const [fr, fi] = [u.map((v) => (v * v) / 2), new Float64Array(n)];
  const [ur, ui] = [Float64Array.from(u), new Float64Array(n)];
  fft64(fr, fi);
  fft64(ur, ui);
  const [or, oi] = [new Float64Array(n), new Float64Array(n)];
  for (let k = 0; k < n; k++) {
    const w = k === n / 2 ? 0 : 2 * Math.PI * (k < n / 2 ? k : k - n);
    // -(i w) F + nu (-w^2) U
    or[k] = w * fi[k] - nu * w * w * ur[k];
    oi[k] = -w * fr[k] - nu * w * w * ui[k];
  }
  fft64(or, oi, true);
  return or.map((v) => v / n);
}

function rk4(u0: Float64Array, nu: number, t: number, steps: number): Float64Array {
  let u = Float64Array.from(u0);
  const h = t / steps;
  const axpy = (a: Float64Array, s: number, b: Float64Array) => a.map((v, i) => v + s * b[i]);
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(u, nu);
    const k2 = rhs(axpy(u, h / 2, k1), nu);
    const k3 = rhs(axpy(u, h / 2, k2), nu);
    const k4 = rhs(axpy(u, h, k3), nu);
    u = u.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  return u;
}

describe('burgersColeHopf', () => {
  it('matches an RK4 pseudo-spectral solve of the PDE', () => {
    const n = 128;
    const u0 = sampleGrf1d(new Rng(3), n);
    expect(Math.max(...u0.map(Math.abs))).toBeGreaterThan(0.1); // a field that moves
    const exact = burgersColeHopf(u0, { nu: 0.1, t: 0.5 });
    const stepped = rk4(u0, 0.1, 0.5, 4000);
    expect(relL2(exact, stepped)).toBeLessThan(1e-8);
    expect(relL2(exact, u0)).toBeGreaterThan(0.05); // and the solution differs from u0
  });

  it('is the identity at t = 0 up to resolution, and keeps the mean zero', () => {
    // phi = exp(-U0 / 2 nu) is not band-limited, so at t = 0 (no diffusion to damp its aliased
    // modes) the round trip is only as good as the grid: about 1e-4 for this rough field.
    const u0 = sampleGrf1d(new Rng(4), 128);
    const u = burgersColeHopf(u0, { nu: 0.1, t: 0 });
    expect(relL2(u, u0)).toBeLessThan(1e-3);
    const mean = burgersColeHopf(u0, { nu: 0.1, t: 1 }).reduce((a, b) => a + b) / 128;
    expect(Math.abs(mean)).toBeLessThan(1e-12);
  });

  it('rejects a non-zero mean, bad grids and bad parameters', () => {
    expectWgnoError(() => burgersColeHopf(new Float64Array(16).fill(1)), 'burgers', /zero mean/);
    expectWgnoError(() => burgersColeHopf(new Float64Array(12)), 'burgers', /power of two/);
    expectWgnoError(() => burgersColeHopf(new Float64Array(16), { nu: 0 }), 'burgers', /nu = 0/);
    expectWgnoError(() => burgersColeHopf(new Float64Array(16), { t: -1 }), 'burgers', /t = -1/);
  });
});
