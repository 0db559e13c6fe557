// The spectral Navier-Stokes residual and its H^-1 norm (src/pde/ns_residual.ts): against a float64
// host reference (value and a directional derivative), and on a solver trajectory, where the exact
// solution's residual must be far below a perturbed one's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { NavierStokes2d } from '../../src/pde/navier_stokes';
import { nsForcing } from '../../src/pde/ns_reference';
import { irfft2d64, rfft2d64, type HalfSpectrum } from '../../src/pde/fft64';
import { nsDealias, nsWavenumber } from '../../src/pde/ns_ops';
import { DEFAULT_ALPHA, nsResidualNorm, spectralDerivative } from '../../src/pde/ns_residual';
import { Rng } from '../../src/random';

const TWO_PI = 2 * Math.PI;
const lap4 = (kx: number, ky: number) => 4 * Math.PI ** 2 * (kx * kx + ky * ky);

/** Multiplies a half spectrum by f(kx, ky) (complex), as a new spectrum. */
function times(h: HalfSpectrum, n: number, f: (kx: number, ky: number) => [number, number]) {
  const m = n / 2 + 1;
  const out = { re: new Float64Array(n * m), im: new Float64Array(n * m) };
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const p = i * m + j;
      const [a, b] = f(...nsWavenumber(n, i, j));
      out.re[p] = h.re[p] * a - h.im[p] * b;
      out.im[p] = h.re[p] * b + h.im[p] * a;
    }
  return out;
}

/** Float64 reference of nsResidualNorm ('spectral' dw/dt), w [B, n, n, T] row-major. */
function referenceNorm(w: Float64Array, [b, n, , t]: number[], dt: number, nu: number): number {
  const m = n / 2 + 1;
  const f = nsForcing(n);
  const wt = new Float64Array(w.length);
  for (let q = 0; q < b * n * n; q++) {
    const series = Array.from({ length: t }, (_, k) => w[q * t + k]);
    spectralDerivative(series, dt).forEach((v, k) => (wt[q * t + k] = v));
  }
  let total = 0;
  for (let s = 0; s < b; s++) {
    let acc = 0;
    for (let k = 0; k < t; k++) {
      const frame = (a: Float64Array) =>
        Float64Array.from({ length: n * n }, (_, p) => a[(s * n * n + p) * t + k]);
      const wh = rfft2d64(frame(w), n, n);
      const psi = (kx: number, ky: number) => (kx === 0 && ky === 0 ? 1 : lap4(kx, ky));
      const back = (g: (kx: number, ky: number) => [number, number]) =>
        irfft2d64(times(wh, n, g), n, n);
      const u = back((kx, ky) => [0, (TWO_PI * ky) / psi(kx, ky)]);
      const v = back((kx, ky) => [0, (-TWO_PI * kx) / psi(kx, ky)]);
      const wx = back((kx) => [0, TWO_PI * kx]);
      const wy = back((_kx, ky) => [0, TWO_PI * ky]);
      const nl = times(
        rfft2d64(
          u.map((x, p) => x * wx[p] + v[p] * wy[p]),
          n,
          n,
        ),
        n,
        (kx, ky) => [nsDealias(n, kx, ky), 0],
      );
      const dt_ = rfft2d64(
        frame(wt).map((x, p) => x - f[p]),
        n,
        n,
      );
      const visc = times(wh, n, (kx, ky) => [nu * lap4(kx, ky), 0]);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          const p = i * m + j;
          const [kx, ky] = nsWavenumber(n, i, j);
          const re = (dt_.re[p] + nl.re[p] + visc.re[p]) / (n * n);
          const im = (dt_.im[p] + nl.im[p] + visc.im[p]) / (n * n);
          const c = j === 0 || 2 * j === n ? 1 : 2;
          acc += (c * (re * re + im * im)) / (DEFAULT_ALPHA + lap4(kx, ky));
        }
    }
    total += Math.sqrt(acc / t);
  }
  return total / b;
}

/** A smooth random window: a few low modes with time-varying amplitudes. */
function smoothWindow(rng: Rng, [b, n, , t]: number[]): Float64Array {
  const out = new Float64Array(b * n * n * t);
  const modes = Array.from({ length: 6 }, () => ({
    kx: Math.floor(rng.uniforms(1, -4, 5)[0]),
    ky: Math.floor(rng.uniforms(1, -4, 5)[0]),
    a: rng.normals(2),
  }));
  for (let s = 0; s < b; s++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < t; k++) {
          let v = 0;
          for (const { kx, ky, a } of modes)
            v +=
              (a[0] + a[1] * 0.1 * k * (s + 1)) *
              Math.sin(TWO_PI * ((kx * i + ky * j) / n) + k * 0.1);
          out[((s * n + i) * n + j) * t + k] = v;
        }
  return out;
}

describe('nsResidual / H^-1 norm (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init({ kernels: 'lane' });
  });
  afterAll(() => rt?.destroy());

  it('spectralDerivative: a smooth non-periodic series to 1e-3 at 20 samples per period', () => {
    const f = (t: number) => Math.sin(0.8 * t + 0.3) + 0.3 * Math.cos(1.7 * t);
    const fp = (t: number) => 0.8 * Math.cos(0.8 * t + 0.3) - 0.51 * Math.sin(1.7 * t);
    const [t, dt] = [20, 0.2];
    const d = spectralDerivative(
      Array.from({ length: t }, (_, k) => f(k * dt)),
      dt,
    );
    const exact = Array.from({ length: t }, (_, k) => fp(k * dt));
    const err = Math.hypot(...d.map((v, k) => v - exact[k])) / Math.hypot(...exact);
    expect(err).toBeLessThan(5e-3);
    // Linear in time: a straight line is differentiated exactly.
    const line = spectralDerivative([1, 3, 5, 7, 9], 0.5);
    for (const v of line) expect(v).toBeCloseTo(4, 10);
  });

  it('matches the float64 reference, value and directional derivative', async () => {
    const shape = [2, 8, 8, 5];
    const rng = new Rng(3);
    const w64 = smoothWindow(rng, shape);
    const [dt, nu] = [0.2, 1e-3];
    const w = rt.tensor(Float32Array.from(w64), shape, { requiresGrad: true });
    const loss = nsResidualNorm(w, { dt, nu });
    loss.backward();
    await rt.evaluate([loss, w.grad!]);
    const f32 = Float64Array.from(Float32Array.from(w64));
    const ref = referenceNorm(f32, shape, dt, nu);
    expect(Math.abs((await loss.read())[0] - ref) / ref).toBeLessThan(2e-5);
    // Along the gradient itself: <g, g> has no cancellation, and a wrong gradient fails.
    const g = await w.grad!.read();
    const gn = Math.hypot(...g);
    const dir = Float64Array.from(g, (v) => v / gn);
    const eps = 1e-4;
    const plus = referenceNorm(
      f32.map((v, i) => v + eps * dir[i]),
      shape,
      dt,
      nu,
    );
    const minus = referenceNorm(
      f32.map((v, i) => v - eps * dir[i]),
      shape,
      dt,
      nu,
    );
    const fd = (plus - minus) / (2 * eps);
    const ad = g.reduce((a, v, i) => a + v * dir[i], 0);
    expect(Math.abs(ad - fd) / Math.abs(fd)).toBeLessThan(1e-3);
  });

  it('is small on a solver trajectory and large on a perturbed one', async () => {
    const [n, frames, every, dt] = [32, 9, 25, 2e-3];
    const ns = await NavierStokes2d.create(rt, { n, dt, substeps: every });
    const w0 = smoothWindow(new Rng(5), [1, n, n, 1]);
    ns.setVorticity(Float32Array.from(w0));
    const window = new Float32Array(n * n * frames);
    for (let k = 0; k < frames; k++) {
      const w = await ns.readVorticity();
      w.forEach((v, p) => (window[p * frames + k] = v));
      ns.advance();
    }
    ns.destroy();
    const bump = smoothWindow(new Rng(9), [1, n, n, frames]);
    const norms: Record<string, number> = {};
    for (const kind of ['spectral', 'implicit'] as const)
      for (const [name, data] of [
        ['exact', window],
        ['perturbed', window.map((v, i) => v + 0.01 * bump[i])],
      ] as const) {
        const loss = nsResidualNorm(rt.tensor(data, [1, n, n, frames]), {
          dt: every * dt,
          timeDerivative: kind,
        });
        norms[`${kind} ${name}`] = (await loss.read())[0];
      }
    if (process.env.WGNO_PRINT_ERRORS) console.log(norms);
    // The implicit variant is differentiable too (complex differences have a gradient).
    const w = rt.tensor(window, [1, n, n, frames], { requiresGrad: true });
    nsResidualNorm(w, { dt: every * dt, timeDerivative: 'implicit' }).backward();
    const g = await w.grad!.read();
    expect(g.every(Number.isFinite) && g.some((v) => v !== 0)).toBe(true);
    expect(norms['spectral exact'] * 20).toBeLessThan(norms['spectral perturbed']);
  });
});
