/**
 * Collocation points drawn on the GPU (src/pde/collocation_gpu.ts): equal to the host twin,
 * Latin-hypercube stratification exact on every axis, a RandomSeed redrawing the points of a
 * compiled Step, and the argument errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import {
  latinHypercubeGpu,
  latinHypercubePhilox,
  uniformPointsGpu,
  uniformPointsPhilox,
} from '../../src/pde/collocation_gpu';
import { RandomSeed } from '../../src/ops/random';
import { expectWgnoError } from '../util/errors';

/** Stratum index of axis k of every point of a unit-cube sample (exact in float64). */
const strata = (x: Float32Array, n: number, d: number, k: number) =>
  Array.from({ length: n }, (_, j) => Math.floor(x[j * d + k] * n));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The suite, run by the Node (Dawn) and the browser (Chromium) test files. */
export function collocationSuite(title: string): void {
  describe(title, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await init();
    });
    afterAll(() => rt?.destroy());

    it('Latin hypercube: every stratum of every axis holds one point; equals the host twin', async () => {
      for (const [n, d, seed] of [
        [1, 1, 0],
        [7, 3, 5],
        [500, 2, 2 ** 40 + 3],
      ]) {
        const unit = { lo: Array(d).fill(0), hi: Array(d).fill(1) };
        const gpu = await latinHypercubeGpu(rt, n, unit, { seed }).read();
        const host = latinHypercubePhilox(seed, n, unit);
        for (let k = 0; k < d; k++) {
          const s = strata(gpu, n, d, k);
          expect([...s].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, j) => j));
          expect(s).toEqual(strata(host, n, d, k)); // the same permutation, exactly
        }
        expect(maxAbsDiff(gpu, host)).toBeLessThan(1e-6); // one rounding apart at most (fma)
      }
      // not the identity pairing: the axes are permuted independently
      const x = latinHypercubePhilox(1, 64, { lo: [0, 0], hi: [1, 1] });
      expect(strata(x, 64, 2, 0)).not.toEqual(strata(x, 64, 2, 1));
    });

    it('uniform points in a box: the host twin, inside the box, mean near the centre', async () => {
      const box = { lo: [-1, 2], hi: [3, 2.5] };
      const gpu = await uniformPointsGpu(rt, 4096, box, { seed: 9 }).read();
      const host = uniformPointsPhilox(9, 4096, box);
      expect(maxAbsDiff(gpu, host)).toBeLessThan(1e-6);
      for (let k = 0; k < 2; k++) {
        const axis = Array.from({ length: 4096 }, (_, j) => gpu[j * 2 + k]);
        expect(Math.min(...axis)).toBeGreaterThanOrEqual(box.lo[k]);
        expect(Math.max(...axis)).toBeLessThan(box.hi[k]);
        const mean = axis.reduce((a, b) => a + b, 0) / 4096;
        const sd = (box.hi[k] - box.lo[k]) / Math.sqrt(12 * 4096);
        expect(Math.abs(mean - (box.lo[k] + box.hi[k]) / 2)).toBeLessThan(4 * sd);
      }
    });

    it('a RandomSeed redraws the points of a compiled Step at every run', async () => {
      const seed = new RandomSeed(4);
      const box = { lo: [0, 0], hi: [1, 1] };
      const pts = latinHypercubeGpu(rt, 32, box, { seed });
      const step = await rt.compile({ outputs: [pts] });
      step.run();
      const first = await pts.read();
      seed.value = 5;
      step.run();
      const second = await pts.read();
      expect(maxAbsDiff(first, latinHypercubePhilox(4, 32, box))).toBeLessThan(1e-6);
      expect(maxAbsDiff(second, latinHypercubePhilox(5, 32, box))).toBeLessThan(1e-6);
      expect(maxAbsDiff(first, second)).toBeGreaterThan(0.01);
      step.destroy();
    });

    it('names wrong arguments', () => {
      const op = 'collocation_points';
      const unit = { lo: [0], hi: [1] };
      expectWgnoError(() => latinHypercubeGpu(rt, 0, unit, { seed: 0 }), op, /n is 0/);
      expectWgnoError(
        () => uniformPointsGpu(rt, 4, { lo: [0, 1], hi: [1] }, { seed: 0 }),
        op,
        /same length/,
      );
      expectWgnoError(
        () => uniformPointsGpu(rt, 4, { lo: [1], hi: [1] }, { seed: 0 }),
        op,
        /lo < hi/,
      );
      expectWgnoError(() => uniformPointsGpu(rt, 4, unit, { seed: -1 }), 'philox', /seed/);
      const nine = { lo: Array(9).fill(0), hi: Array(9).fill(1) };
      expectWgnoError(
        () => latinHypercubePhilox(0, 4, nine),
        'latinHypercubePhilox',
        /d in \[1, 8\]/,
      );
    });
  });
}
