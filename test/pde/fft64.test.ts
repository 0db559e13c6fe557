import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random';
import { fft2d64, fft64, fftLines64, irfft2d64, rfft2d64 } from '../../src/pde/fft64';
import { relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';

// float64 FFT error grows like log2 N * 2^-53; these bounds leave a wide margin.
const TOL = 1e-13;

function randoms(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

/** Direct O(N^2) DFT, sign -1 forward, +1 inverse, unscaled. */
function dft(re: Float64Array, im: Float64Array, inverse: boolean): [Float64Array, Float64Array] {
  const n = re.length;
  const or = new Float64Array(n);
  const oi = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      or[k] += re[j] * Math.cos(t) - im[j] * Math.sin(t);
      oi[k] += re[j] * Math.sin(t) + im[j] * Math.cos(t);
    }
  }
  return [or, oi];
}

/** Direct 2-D DFT of a row-major [n0, n1] array: value [k0, k1] = sum x[j0, j1] e^{s 2pi i (..)}. */
function dft2(re: Float64Array, im: Float64Array, n0: number, n1: number, inverse: boolean) {
  const or = new Float64Array(n0 * n1);
  const oi = new Float64Array(n0 * n1);
  const sign = inverse ? 1 : -1;
  for (let k0 = 0; k0 < n0; k0++)
    for (let k1 = 0; k1 < n1; k1++)
      for (let j0 = 0; j0 < n0; j0++)
        for (let j1 = 0; j1 < n1; j1++) {
          const t = sign * 2 * Math.PI * (((j0 * k0) % n0) / n0 + ((j1 * k1) % n1) / n1);
          const p = j0 * n1 + j1;
          or[k0 * n1 + k1] += re[p] * Math.cos(t) - im[p] * Math.sin(t);
          oi[k0 * n1 + k1] += re[p] * Math.sin(t) + im[p] * Math.cos(t);
        }
  return [or, oi];
}

/** relL2 over (re, im) together. */
function relC(a: Float64Array[], b: Float64Array[]): number {
  return relL2([...a[0], ...a[1]], [...b[0], ...b[1]]);
}

describe('fft64', () => {
  for (const n of [1, 2, 4, 8, 64]) {
    it(`N = ${n}: forward, inverse and round trip match the direct DFT`, () => {
      const rng = new Rng(n);
      const re = randoms(rng, n);
      const im = randoms(rng, n);
      for (const inverse of [false, true]) {
        const [fr, fi] = [re.slice(), im.slice()];
        fft64(fr, fi, inverse);
        expect(relC([fr, fi], dft(re, im, inverse))).toBeLessThan(TOL);
      }
      const [fr, fi] = [re.slice(), im.slice()];
      fft64(fr, fi);
      fft64(fr, fi, true);
      expect(relC([fr, fi], [re.map((v) => n * v), im.map((v) => n * v)])).toBeLessThan(TOL);
    });
  }

  it('fft2d64 matches the direct 2-D DFT ([4, 8] and [8, 2], both directions)', () => {
    const rng = new Rng(7);
    for (const [n0, n1] of [
      [4, 8],
      [8, 2],
    ]) {
      const re = randoms(rng, n0 * n1);
      const im = randoms(rng, n0 * n1);
      for (const inverse of [false, true]) {
        const [fr, fi] = [re.slice(), im.slice()];
        fft2d64(fr, fi, n0, n1, inverse);
        expect(relC([fr, fi], dft2(re, im, n0, n1, inverse))).toBeLessThan(TOL);
      }
    }
  });

  it('fftLines64 transforms strided lines and leaves the rest alone', () => {
    const rng = new Rng(3);
    const re = randoms(rng, 24); // lines of length 4 at 2j + 8b (b < 3)
    const im = randoms(rng, 24);
    const [fr, fi] = [re.slice(), im.slice()];
    fftLines64(fr, fi, { n: 4, count: 3, stride: 2, dist: 8 });
    for (let b = 0; b < 3; b++) {
      const idx = [0, 1, 2, 3].map((j) => 2 * j + 8 * b);
      const want = dft(
        Float64Array.from(idx, (p) => re[p]),
        Float64Array.from(idx, (p) => im[p]),
        false,
      );
      const got = [Float64Array.from(idx, (p) => fr[p]), Float64Array.from(idx, (p) => fi[p])];
      expect(relC(got, want)).toBeLessThan(TOL);
      idx.forEach((p) => ((re[p] = fr[p]), (im[p] = fi[p])));
    }
    expect([...fr]).toEqual([...re]);
    expect([...fi]).toEqual([...im]);
  });

  it('rfft2d64 keeps bins 0..n1/2 of the full spectrum; irfft2d64 inverts it', () => {
    const [n0, n1, m] = [8, 16, 9];
    const x = randoms(new Rng(11), n0 * n1);
    const h = rfft2d64(x, n0, n1);
    const [fr, fi] = dft2(x, new Float64Array(n0 * n1), n0, n1, false);
    const keep = (a: Float64Array) => a.filter((_, p) => p % n1 < m);
    expect(relC([h.re, h.im], [keep(fr), keep(fi)])).toBeLessThan(TOL);
    expect(relL2(irfft2d64(h, n0, n1), x)).toBeLessThan(TOL);
  });

  it('irfft2d64 is torch.fft.irfft2: sum_j w_j Re(h e^{+..}) / (n0 n1), w = 1 at bins 0, n1/2', () => {
    const [n0, n1, m] = [4, 8, 5];
    const rng = new Rng(5);
    const h = { re: randoms(rng, n0 * m), im: randoms(rng, n0 * m) }; // not Hermitian anywhere
    const want = new Float64Array(n0 * n1);
    for (let x = 0; x < n0; x++)
      for (let y = 0; y < n1; y++)
        for (let i = 0; i < n0; i++)
          for (let j = 0; j < m; j++) {
            const t = 2 * Math.PI * ((i * x) / n0 + (j * y) / n1);
            const w = j === 0 || j === m - 1 ? 1 : 2;
            const p = i * m + j;
            want[x * n1 + y] += (w * (h.re[p] * Math.cos(t) - h.im[p] * Math.sin(t))) / (n0 * n1);
          }
    expect(relL2(irfft2d64(h, n0, n1), want)).toBeLessThan(TOL);
  });

  it('rejects lengths that are not powers of two and mismatched arrays', () => {
    const six = () => fft64(new Float64Array(6), new Float64Array(6));
    expectWgnoError(six, 'fft64', /length 6 is not supported; valid: a power of two/);
    const odd = () => fft64(new Float64Array(4), new Float64Array(3));
    expectWgnoError(odd, 'fft64', /re has 4 values but im has 3/);
    const size = () => fft2d64(new Float64Array(8), new Float64Array(8), 4, 4);
    expectWgnoError(size, 'fft64', /\[4, 4\] array needs 16 values/);
    const half = () => irfft2d64({ re: new Float64Array(8), im: new Float64Array(8) }, 4, 4);
    expectWgnoError(half, 'fft64', /needs an even n1 and a \[4, 3\] half spectrum/);
  });
});
