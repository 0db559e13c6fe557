import { describe, expect, it } from 'vitest';
import {
  bitsToNormal,
  isqrt32,
  mulhi32,
  philox4x32,
  philoxKey,
  philoxNormals,
  philoxUniforms,
} from '../src/random_philox';
import { Rng } from '../src/random';

const hex = (a: ArrayLike<number>) => Array.from(a, (v) => v.toString(16).padStart(8, '0'));

describe('Philox 4x32-10 (TS twin)', () => {
  // Random123's kat_vectors, the three philox4x32 10 lines: counter, key -> output.
  const kat: [number[], number[], string[]][] = [
    [
      [0, 0, 0, 0],
      [0, 0],
      ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      ['d16cfe09', '94fdcceb', '5001e420', '24126ea1'],
    ],
  ];
  it.each(kat)('known-answer vector %#', (ctr, key, want) => {
    const out = philox4x32(ctr as [number, number, number, number], key as [number, number]);
    expect(hex(out)).toEqual(want);
  });

  it('mulhi32 and isqrt32 are exact', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 2000; i++) {
      const a = rng.nextU32();
      const b = rng.nextU32();
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
      expect(isqrt32(a)).toBe(Number(sqrtBig(BigInt(a))));
    }
    expect(isqrt32(0xffffffff)).toBe(65535);
    expect(isqrt32(0)).toBe(0);
  });

  it('normals: moments, range, and agreement with float64 Box-Muller', () => {
    const n = 1 << 16;
    const z = philoxNormals(11, n);
    let m1 = 0;
    let m2 = 0;
    let m4 = 0;
    for (const v of z) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    // Standard errors at n = 65536: mean 0.004, variance 0.0055, fourth moment 0.04.
    expect(Math.abs(m1)).toBeLessThan(0.02);
    expect(Math.abs(m2 - 1)).toBeLessThan(0.025);
    expect(Math.abs(m4 - 3)).toBeLessThan(0.2);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(6.67);
    // The fixed-point Box-Muller against float64 Box-Muller on the same words.
    const rng = new Rng(9);
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      const a = rng.nextU32();
      const b = rng.nextU32();
      const r = Math.sqrt(-2 * Math.log(((a | 1) >>> 0) / 2 ** 32));
      const th = (2 * Math.PI * b) / 2 ** 32;
      worst = Math.max(worst, Math.abs(bitsToNormal(a, b, false) - r * Math.cos(th)) / (1 + r));
      worst = Math.max(worst, Math.abs(bitsToNormal(a, b, true) - r * Math.sin(th)) / (1 + r));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(worst).toBeGreaterThan(0); // fixed point: not the float64 values
  });

  it('offset selects the same elements as a longer draw; std scales exactly', () => {
    const all = philoxNormals(5, 40);
    expect(philoxNormals(5, 13, { offset: 27 })).toEqual(all.subarray(27));
    const scaled = philoxNormals(5, 40, { std: 0.02 });
    for (let i = 0; i < 40; i++) expect(scaled[i]).toBe(Math.fround(all[i] * Math.fround(0.02)));
    const u = philoxUniforms(5, 1000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    for (const v of u) expect(v * 2 ** 24).toBe(Math.floor(v * 2 ** 24));
  });

  it('distinct seeds give distinct streams; bad seeds and offsets are user errors', () => {
    expect(philoxNormals(1, 8)).not.toEqual(philoxNormals(2, 8));
    expect(philoxNormals(2 ** 32, 8)).not.toEqual(philoxNormals(0, 8));
    expect(philoxKey(2 ** 32 + 5)).toEqual([5, 1]);
    expect(() => philoxNormals(-1, 4)).toThrow(/seed must be an integer in \[0, 2\^53\)/);
    expect(() => philoxNormals(1.5, 4)).toThrow(/seed/);
    expect(() => philoxUniforms(1, 4, { offset: 2 ** 32 - 2 })).toThrow(/offset/);
  });
});

function sqrtBig(v: bigint): bigint {
  let r = BigInt(Math.floor(Math.sqrt(Number(v))));
  while (r * r > v) r--;
  while ((r + 1n) * (r + 1n) <= v) r++;
  return r;
}
