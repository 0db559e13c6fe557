import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random';
import { latinHypercube, uniformPoints } from '../../src/pde/collocation';
import { expectWgnoError } from '../util/errors';

const box = { lo: [0, -1, 2], hi: [1, 1, 2.5] };

/** Every coordinate of the [n, d] points inside the box. */
function inBox(p: Float32Array, n: number): boolean {
  const d = box.lo.length;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) {
      const v = p[i * d + k];
      if (!(v >= Math.fround(box.lo[k]) && v <= Math.fround(box.hi[k]))) return false;
    }
  return true;
}

describe('collocation points', () => {
  it('uniformPoints: inside the box, the box mean, reproducible', () => {
    const n = 4000;
    const p = uniformPoints(new Rng(1), n, box);
    expect(p.length).toBe(n * 3);
    expect(inBox(p, n)).toBe(true);
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += p[i * 3 + k];
      const [lo, hi] = [box.lo[k], box.hi[k]];
      // Mean of n uniforms: standard error (hi - lo) / sqrt(12 n) ~ 0.005 (hi - lo).
      expect(Math.abs(s / n - (lo + hi) / 2)).toBeLessThan(0.03 * (hi - lo));
    }
    expect([...uniformPoints(new Rng(1), n, box)]).toEqual([...p]);
  });

  it('latinHypercube: one point in each stratum of every axis', () => {
    const n = 64;
    const p = latinHypercube(new Rng(2), n, box);
    expect(inBox(p, n)).toBe(true);
    for (let k = 0; k < 3; k++) {
      const w = (box.hi[k] - box.lo[k]) / n;
      const strata = new Set<number>();
      for (let i = 0; i < n; i++)
        strata.add(Math.min(n - 1, Math.floor((p[i * 3 + k] - box.lo[k]) / w)));
      expect(strata.size, `axis ${k}`).toBe(n);
    }
    // The axes are paired at random: not the sorted diagonal.
    let sorted = true;
    for (let i = 1; i < n; i++) if (p[i * 3] < p[(i - 1) * 3]) sorted = false;
    expect(sorted).toBe(false);
    expect([...latinHypercube(new Rng(2), n, box)]).toEqual([...p]);
  });

  it('rejects bad sizes and boxes', () => {
    expectWgnoError(() => uniformPoints(new Rng(0), 0, box), 'uniformPoints', /n is 0/);
    expectWgnoError(
      () => latinHypercube(new Rng(0), 4, { lo: [0, 0], hi: [1] }),
      'latinHypercube',
      /same length d >= 1/,
    );
    expectWgnoError(
      () => latinHypercube(new Rng(0), 4, { lo: [1], hi: [1] }),
      'latinHypercube',
      /axis 0: need finite lo < hi, got \[1, 1\]/,
    );
  });
});
