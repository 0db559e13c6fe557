// knnNeighbors, transposeCsr and csrRowIds on the GPU against the float64 references, and the
// input errors of the searches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WgnoError } from '../../src/errors';
import { init, type Runtime } from '../../src/index';
import { csrRowIds, transposeCsr } from '../../src/geometry/csr';
import { knnNeighbors, radiusNeighbors } from '../../src/geometry/neighbors';
import { transposeCsrReference } from '../../src/geometry/reference';
import { Rng } from '../../src/random';
import * as u from './search_util';
import { expectSameCsr, lattice, pts, take } from './search_util';

let rt: Runtime;
beforeAll(async () => (rt = await init()));
afterAll(() => rt?.destroy());

const checkKnn = (q: ArrayLike<number>, d: ArrayLike<number>, dim: number, k: number) =>
  u.checkKnn(rt, q, d, dim, k);

describe('knnNeighbors equals the brute-force k nearest exactly', () => {
  it('on random sets, k = 1, 7 and n', async () => {
    const rng = new Rng(8);
    const d2 = rng.uniforms(300 * 2);
    const q2 = rng.uniforms(200 * 2, -0.5, 1.5);
    await checkKnn(q2, d2, 2, 1);
    await checkKnn(q2, d2, 2, 7);
    await checkKnn(q2.subarray(0, 20), d2.subarray(0, 60), 2, 30);
    const d3 = rng.uniforms(400 * 3);
    await checkKnn(rng.uniforms(200 * 3), d3, 3, 8);
    await checkKnn(rng.uniforms(5 * 3), d3.subarray(0, 90), 3, 30);
  });

  it('breaks ties by the lower data index (lattices, duplicates, identical points)', async () => {
    const l2 = lattice(12, 2, 0.25);
    const g = await checkKnn(l2, l2, 2, 5);
    expect(Array.from(g.index.slice(5 * 13, 5 * 14))).toEqual([13, 1, 12, 14, 25]);
    const l3 = lattice(6, 3, 0.5);
    await checkKnn(l3, l3, 3, 9);
    await checkKnn(lattice(5, 3, 0.1), lattice(6, 3, 0.1), 3, 11);
    const same = new Float32Array(30 * 2).fill(2);
    await checkKnn([2, 2, 0, 0, 50, -50], same, 2, 4);
  });

  it('far queries, one data point, zero-extent data', async () => {
    const rng = new Rng(9);
    const d = rng.uniforms(100 * 3);
    await checkKnn(Float32Array.of(100, -50, 3, 0.5, 0.5, 0.5), d, 3, 6);
    await checkKnn(rng.uniforms(20 * 2), [0.5, 0.5], 2, 1);
    const line = Float32Array.from(rng.uniforms(100 * 2), (v, i) => (i % 2 ? 0.5 : v));
    await checkKnn(rng.uniforms(50 * 2), line, 2, 3);
  });

  it('far-from-origin and clustered data', async () => {
    const rng = new Rng(14);
    const off = rng.uniforms(300 * 3, 1000, 1001);
    await checkKnn(rng.uniforms(100 * 3, 1000, 1001), off, 3, 6);
    // Two tight clusters far apart: a query in one needs points of the other once k > 150.
    const two = rng.uniforms(300 * 2, 0, 0.01).map((v, i) => (i >= 300 ? v + 50 : v));
    await checkKnn(Float32Array.of(0, 0, 50, 50, 25, 25), two, 2, 160);
  });
});

describe('transposeCsr', () => {
  it('lists each data point`s edges in ascending edge order', async () => {
    const rng = new Rng(10);
    const d = rng.uniforms(300 * 2);
    const q = rng.uniforms(200 * 2);
    for (const g of [
      await radiusNeighbors(rt, pts(q, 2), pts(d, 2), 0.1),
      await knnNeighbors(rt, pts(q, 2), pts(d, 2), 6),
    ]) {
      const t = await transposeCsr(rt, g);
      expect([t.rows, t.cols, t.nnz]).toEqual([300, g.nnz, g.nnz]);
      const want = transposeCsrReference(await take(g, 300), 300);
      expectSameCsr(await take(t, g.nnz), want);
    }
  });

  it('handles an empty graph and a one-edge graph', async () => {
    const none = await radiusNeighbors(rt, pts([0, 0], 2), pts([1, 1, 2, 2], 2), 0.5);
    const t = await take(await transposeCsr(rt, none), 0);
    none.destroy();
    expect(Array.from(t.rowSplits)).toEqual([0, 0, 0]);
    const one = await radiusNeighbors(rt, pts([2, 2], 2), pts([1, 1, 2, 2], 2), 0.5);
    const t1 = await take(await transposeCsr(rt, one), 1);
    one.destroy();
    expect([Array.from(t1.rowSplits), Array.from(t1.index)]).toEqual([[0, 0, 1], [0]]);
  });
});

describe('csrRowIds', () => {
  it('gives the row (query) of every edge, empty rows included', async () => {
    const rng = new Rng(11);
    const d = rng.uniforms(200 * 3);
    // Every 10th query is far away: its row is empty.
    const q = rng.uniforms(150 * 3).map((v, i) => (Math.floor(i / 3) % 10 ? v : 9));
    const g = await radiusNeighbors(rt, pts(q, 3), pts(d, 3), 0.2);
    const ids = await csrRowIds(rt, g);
    const f = await rt.readBuffer(ids, 4 * g.nnz);
    ids.destroy();
    const { rowSplits } = await take(g, 200);
    expect(rowSplits[1]).toBe(0);
    const want: number[] = [];
    for (let r = 0; r < 150; r++)
      for (let e = rowSplits[r]; e < rowSplits[r + 1]; e++) want.push(r);
    expect(Array.from(new Uint32Array(f.buffer, f.byteOffset, g.nnz))).toEqual(want);
  });
});

describe('bad inputs are rejected before any GPU work', () => {
  const ok = pts([0, 0, 1, 1], 2);
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'radius',
      () => radiusNeighbors(rt, ok, pts([0, 0, 0], 3), 1),
      /queries are 2-D but data are 3-D/,
    ],
    [
      'radius',
      () => radiusNeighbors(rt, pts([0, 0, 0, 0], 4), ok, 1),
      /queries.dim = 4; .*dim 2 or 3/,
    ],
    [
      'radius',
      () => radiusNeighbors(rt, pts([0, 0, 1], 2), ok, 1),
      /queries.coords has 3 values, not a positive multiple of queries.dim = 2/,
    ],
    ['radius', () => radiusNeighbors(rt, ok, pts([], 2), 1), /data.coords has 0 values/],
    [
      'radius',
      () => radiusNeighbors(rt, ok, pts([0, NaN], 2), 1),
      /data.coords\[1\] \(point 0, axis 1\) is NaN; coordinates must be finite/,
    ],
    [
      'radius',
      () => radiusNeighbors(rt, pts([0, Infinity], 2), ok, 1),
      /queries.coords\[1\] .* is Infinity/,
    ],
    ['radius', () => radiusNeighbors(rt, ok, pts([0, 1e39], 2), 1), /1e\+39, which overflows f32/],
    [
      'radius',
      () => radiusNeighbors(rt, ok, pts([0, 2e36], 2), 1),
      /data.coords\[1\] .* is 2e\+36; coordinates must lie within \+-2\^120/,
    ],
    ['radius', () => radiusNeighbors(rt, ok, ok, -1), /radius = -1; need a finite number >= 0/],
    ['radius', () => radiusNeighbors(rt, ok, ok, NaN), /radius = NaN/],
    ['knn', () => knnNeighbors(rt, ok, ok, 0), /k = 0; need an integer with 1 <= k <= 2/],
    [
      'knn',
      () => knnNeighbors(rt, ok, ok, 3),
      /k = 3; need an integer with 1 <= k <= 2 \(the number of data points\)/,
    ],
    ['knn', () => knnNeighbors(rt, ok, ok, 1.5), /k = 1.5/],
    ['knn', () => knnNeighbors(rt, ok, pts([0, 0, 0], 3), 1), /queries are 2-D but data are 3-D/],
  ];
  it.each(cases.map((c) => [c[2].source, ...c] as const))('%s', async (_name, kind, f, msg) => {
    const before = { ...rt.stats };
    const err = await f().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WgnoError);
    expect((err as WgnoError).op).toBe(kind === 'radius' ? 'radiusNeighbors' : 'knnNeighbors');
    expect((err as WgnoError).message).toMatch(msg);
    expect(rt.stats).toEqual(before);
  });
});
