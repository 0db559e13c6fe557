import { describe, expect, it } from 'vitest';
import { erf, gelu, normalCdf } from '../../src/ops/special';

describe('float64 special functions', () => {
  it('erf matches tabulated values', () => {
    // Abramowitz & Stegun table 7.1 / high-precision values.
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, v] of table) expect(Math.abs(erf(x) - v)).toBeLessThan(1e-15);
  });
  it('normal CDF keeps relative accuracy in the lower tail', () => {
    // Phi(-8) = 6.220960574271785e-16
    expect(Math.abs(normalCdf(-8) / 6.220960574271785e-16 - 1)).toBeLessThan(1e-12);
    expect(gelu(-8)).toBeCloseTo(-8 * 6.220960574271785e-16, 25);
  });
});
