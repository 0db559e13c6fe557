// radiusNeighbors (cell grid) and radiusNeighborsBrute on the GPU against bruteForceNeighbors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { radiusGrid, radiusNeighbors } from '../../src/geometry/neighbors';
import { checkPair } from '../../src/geometry/points';
import { Rng } from '../../src/random';
import * as u from './search_util';
import { lattice, nextF32, pts } from './search_util';

let rt: Runtime;
beforeAll(async () => (rt = await init()));
afterAll(() => rt?.destroy());

type Coords = ArrayLike<number>;
const checkRadius = (q: Coords, d: Coords, dim: number, r: number) =>
  u.checkRadius(rt, q, d, dim, r);
const checkBruteGpu = (q: Coords, d: Coords, dim: number, r: number) =>
  u.checkBruteGpu(rt, q, d, dim, r);

describe('radiusNeighbors equals the brute-force search exactly', () => {
  it('on random 2-D and 3-D sets, queries partly outside the data box', async () => {
    const rng = new Rng(1);
    const g2 = await checkRadius(rng.uniforms(300 * 2, -0.2, 1.2), rng.uniforms(400 * 2), 2, 0.1);
    expect(g2.index.length).toBeGreaterThan(1000);
    const g3 = await checkRadius(rng.uniforms(200 * 3, -0.1, 1.1), rng.uniforms(500 * 3), 3, 0.2);
    expect(g3.index.length).toBeGreaterThan(1000);
  });
});

describe('radiusNeighbors on adversarial sets', () => {
  it('all points identical: every pair at r = 0, none for a query elsewhere', async () => {
    const d = new Float32Array(40 * 3).fill(0.7);
    const q = Float32Array.of(0.7, 0.7, 0.7, 0.7, 0.7, 0.7000001, 5, 5, 5);
    const g = await checkRadius(q, d, 3, 0);
    expect(Array.from(g.rowSplits)).toEqual([0, 40, 40, 40]);
    await checkRadius(q, d, 3, 0.5);
  });

  it('a lattice with r equal to the spacing (many distances exactly r)', async () => {
    // Dyadic spacing: every distance is exact, so pairs at exactly r must be included.
    const l2 = lattice(20, 2, 0.25);
    const g2 = await checkRadius(l2, l2, 2, 0.25);
    expect(g2.rowSplits[21 + 1] - g2.rowSplits[21]).toBe(5); // an interior point: itself + 4
    const l3 = lattice(7, 3, 0.5);
    const g3 = await checkRadius(l3, l3, 3, 0.5);
    expect(g3.rowSplits[57 + 1] - g3.rowSplits[57]).toBe(7);
    // Spacing 0.1 is not a float: distances land within an ulp of r on either side. (y is
    // shifted by 1 so the two axes round differently.)
    const l = lattice(16, 2, 0.1).map((v, i) => Math.fround(Math.round(v * 10) * 0.1 + (i % 2)));
    await checkRadius(l, l, 2, 0.1);
    await checkRadius(l, l, 2, 0.2);
    await checkRadius(l, l, 2, Math.SQRT2 * 0.1);
    // Points on cell borders: the lattice of the grid itself, and r just below the spacing.
    await checkRadius(l3, l3, 3, Math.fround(0.5 - 2 ** -25));
  });

  it('points exactly on cell borders and one float either side', async () => {
    const rng = new Rng(15);
    const d = rng.uniforms(2 * 400);
    d.set([0, 0, 1, 1]); // fixes the bounding box, hence the grid, whatever else moves
    const gridOf = () => {
      const set = checkPair('t', pts(d, 2), pts(d, 2));
      return radiusGrid(set.q, set.d, 0.1).grid;
    };
    const grid = gridOf();
    const borders: number[] = [];
    for (let i = 1; i < grid.dims[0]; i++) {
      const b = Math.fround(grid.lo[0] + i * grid.cell);
      borders.push(b, nextF32(b, 1), nextF32(b, -1));
    }
    // Each border value as x, as y, and as both, against random and other border values.
    borders.forEach((b, i) => {
      const other = borders[(i * 7) % borders.length];
      d.set([b, d[5 + 2 * i], d[200 + 2 * i], b, b, other], 4 + 6 * i);
    });
    expect(gridOf()).toEqual(grid);
    await checkRadius(d, d, 2, 0.1);
    await checkRadius(
      d.map((v) => Math.fround(v + 0.1)),
      d,
      2,
      0.1,
    );
  });

  it('r = 0 with duplicates, and queries equal to data points', async () => {
    const rng = new Rng(2);
    const base = rng.uniforms(30 * 2);
    const d = new Float32Array(90 * 2);
    for (let i = 0; i < 90; i++) d.set(base.subarray((i % 30) * 2, (i % 30) * 2 + 2), i * 2);
    const g = await checkRadius(base, d, 2, 0);
    expect(Array.from(g.rowSplits.slice(0, 3))).toEqual([0, 3, 6]);
    expect(Array.from(g.index.slice(0, 3))).toEqual([0, 30, 60]);
  });

  it('a query with no neighbours, one point, n or m = 1', async () => {
    const rng = new Rng(3);
    const d = rng.uniforms(50 * 2);
    const lonely = await checkRadius(Float32Array.of(0.5, 0.5, 9, 9), d, 2, 0.2);
    expect(lonely.rowSplits[2]).toBe(lonely.rowSplits[1]);
    await checkRadius([0.25, 0.5], [0.25, 0.5], 2, 0);
    await checkRadius([0, 0, 0], [0, 0, 1], 3, 0.5);
    await checkRadius([0.3, 0.3], d, 2, 0.3);
    await checkRadius(d, [0.3, 0.3], 2, 0.3);
    const empty = await checkRadius(
      d,
      d.map((v) => v + 10),
      2,
      0.1,
    );
    expect(empty.index.length).toBe(0);
  });

  it('bounding boxes of zero extent along some or all axes', async () => {
    const rng = new Rng(4);
    const line = Float32Array.from(rng.uniforms(200 * 2), (v, i) => (i % 2 ? 0.5 : v));
    await checkRadius(rng.uniforms(100 * 2), line, 2, 0.05);
    const plane = Float32Array.from(rng.uniforms(300 * 3), (v, i) => (i % 3 === 2 ? -1 : v));
    await checkRadius(rng.uniforms(100 * 3, 0, 1), plane, 3, 0.1);
    await checkRadius(rng.uniforms(10 * 3), new Float32Array(12).fill(3), 3, 4);
  });

  it('radii that cover every pair, up to beyond the f32 range', async () => {
    const rng = new Rng(13);
    const q = rng.uniforms(50 * 2);
    const d = rng.uniforms(60 * 2, -3, 3);
    for (const r of [10, 1e30, 1e300]) {
      const g = await checkRadius(q, d, 2, r);
      expect(g.index.length).toBe(50 * 60);
    }
  });

  it('large and far-from-origin coordinates', async () => {
    const rng = new Rng(5);
    const d = rng.uniforms(400 * 3, 1000, 1001);
    await checkRadius(rng.uniforms(200 * 3, 1000, 1001), d, 3, 0.15);
    await checkRadius(rng.uniforms(200 * 2, -1e6, 1e6), rng.uniforms(300 * 2, -1e6, 1e6), 2, 1e5);
  });

  it('20 000 data points and 5 000 queries (multi-level scan, 15 sort passes)', async () => {
    const rng = new Rng(6);
    const d = rng.uniforms(20000 * 2);
    const q = rng.uniforms(5000 * 2);
    const g = await checkRadius(q, d, 2, 0.01);
    expect(g.index.length).toBeGreaterThan(20000);
  });

  it('gives the same bits on a second run', async () => {
    const rng = new Rng(7);
    const d = rng.uniforms(500 * 3);
    const a = await (await radiusNeighbors(rt, pts(d, 3), pts(d, 3), 0.2)).read();
    const b = await (await radiusNeighbors(rt, pts(d, 3), pts(d, 3), 0.2)).read();
    expect(Array.from(b.index)).toEqual(Array.from(a.index));
  });
});

describe('radiusNeighborsBrute (the benchmark baseline) equals the reference too', () => {
  it('on random, lattice and duplicate sets', async () => {
    const rng = new Rng(12);
    await checkBruteGpu(rng.uniforms(150 * 3), rng.uniforms(200 * 3), 3, 0.2);
    const l = lattice(10, 2, 0.1).map((v, i) => Math.fround(Math.round(v * 10) * 0.1 + (i % 2)));
    await checkBruteGpu(l, l, 2, 0.1);
    await checkBruteGpu([0, 0], new Float32Array(20), 2, 0);
    await checkBruteGpu([5, 5], new Float32Array(20), 2, 1);
  });
});
