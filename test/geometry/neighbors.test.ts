import { describe, expect, it } from 'vitest';
import '../../src/geometry/neighbors'; // defines the geometry kernels
import '../../src/geometry/csr';
import '../../src/geometry/brute_gpu';
import { allKernels } from '../../src/gpu/kernel';
import { checkPair, gridParams, makeGrid } from '../../src/geometry/points';
import { scanParams, sortParams } from '../../src/geometry/primitives';
import {
  bruteForceKnn,
  bruteForceNeighbors,
  dist2F32,
  transposeCsrReference,
  validateCsr,
} from '../../src/geometry/reference';
import { Rng } from '../../src/random';
import { expectWgnoError } from '../util/errors';

describe('reference searches', () => {
  it('bruteForceNeighbors: inclusive radius, rows in ascending index', () => {
    const { rowSplits, index } = bruteForceNeighbors([0, 0, 5, 5], [0, 1, 9, 9, 0, 0], 2, 1);
    expect(Array.from(rowSplits)).toEqual([0, 2, 2]);
    expect(Array.from(index)).toEqual([0, 2]);
    const three = bruteForceNeighbors([0, 0, 0], [0, 0, 2, 0, 2, 0, 2, 0, 0], 3, 2);
    expect(Array.from(three.index)).toEqual([0, 1, 2]);
  });

  it('decides by the f32 squared distance, each operation rounded', () => {
    // 0.1 and 0.3 are not floats: fl(0.3) - fl(0.1) differs from 0.2 in the last bits.
    const a = Float32Array.of(0.1, 0);
    const b = Float32Array.of(0.3, 0);
    const d = Math.fround(b[0] - a[0]);
    expect(dist2F32(a, 0, b, 0, 2)).toBe(Math.fround(d * d));
    const r = Math.sqrt(dist2F32(a, 0, b, 0, 2));
    const r2 = Math.fround(Math.fround(r) * Math.fround(r));
    const included = r2 >= dist2F32(a, 0, b, 0, 2);
    expect(bruteForceNeighbors(a, b, 2, r).index.length).toBe(included ? 1 : 0);
  });

  it('bruteForceKnn: ascending distance, ties to the lower index', () => {
    expect(Array.from(bruteForceKnn([0, 0], [3, 0, 1, 0, -1, 0], 2, 2).index)).toEqual([1, 2]);
    const g = bruteForceKnn([0, 0, 10, 0], [0, 1, 0, -1, 9, 0, 0, 0], 2, 3);
    expect(Array.from(g.rowSplits)).toEqual([0, 3, 6]);
    expect(Array.from(g.index)).toEqual([3, 0, 1, 2, 3, 0]);
  });

  it('transposeCsrReference lists the edges of each column in order', () => {
    const t = transposeCsrReference(
      { rowSplits: Int32Array.of(0, 2, 2, 5), index: Int32Array.of(1, 3, 0, 1, 3) },
      4,
    );
    expect(Array.from(t.rowSplits)).toEqual([0, 1, 3, 3, 5]);
    expect(Array.from(t.index)).toEqual([2, 0, 3, 1, 4]);
  });

  it('rejects bad inputs with the argument and what is valid', () => {
    expectWgnoError(
      () => bruteForceNeighbors([0, 0], [0, 0], 4, 1),
      'bruteForceNeighbors',
      /queries.dim = 4; points must be 2-D or 3-D/,
    );
    expectWgnoError(
      () => bruteForceNeighbors([0, 0, 0], [0, 0], 2, 1),
      'bruteForceNeighbors',
      /queries.coords has 3 values, not a positive multiple of queries.dim = 2/,
    );
    expectWgnoError(
      () => bruteForceKnn([0, 0], [0, 0], 2, 2),
      'bruteForceKnn',
      /k = 2; need an integer with 1 <= k <= 1/,
    );
    expectWgnoError(
      () => checkPair('op', { coords: [0, 0], dim: 2 }, { coords: [0, 0, 0], dim: 3 }),
      'op',
      /queries are 2-D but data are 3-D; both point sets need the same dim/,
    );
  });
});

describe('validateCsr', () => {
  it('accepts a valid CSR, including empty rows', () => {
    validateCsr(Int32Array.of(0, 2, 2, 3), Int32Array.of(4, 1, 0), 5);
    validateCsr([0], [], 1);
  });

  it('names what is wrong', () => {
    const cases: [number[], number[], RegExp][] = [
      [[], [], /rowSplits has 0 entries; it needs rows \+ 1 >= 1/],
      [[1, 2], [0], /rowSplits\[0\] = 1; it must be 0/],
      [
        [0, 2, 1, 3],
        [0, 0, 0],
        /rowSplits\[2\] = 1 < rowSplits\[1\] = 2; entries must be integers that never decrease/,
      ],
      [
        [0, 2],
        [0, 1, 2],
        /ends at 2 but index has 3 entries; the last split must equal its length/,
      ],
      [[0, 2], [0, 5], /index\[1\] = 5 is out of range; indices must be integers in \[0, 5\)/],
      [[0, 1], [-1], /index\[0\] = -1 is out of range/],
      [[0, 1], [0.5], /index\[0\] = 0.5 is out of range/],
    ];
    for (const [splits, index, msg] of cases)
      expectWgnoError(() => validateCsr(splits, index, 5), 'validateCsr', msg);
  });
});

describe('the cell grid', () => {
  it('respects the minimum cell, the cell budget and the rounding bound', () => {
    const rng = new Rng(1);
    const { q, d } = checkPair(
      't',
      { coords: rng.uniforms(300, -1e3, 1e3), dim: 3 },
      { coords: rng.uniforms(3000, 0, 1), dim: 3 },
    );
    for (const [minCell, maxCells] of [
      [0.01, 2000],
      [0, 500],
      [5, 1],
      [0, 1],
    ]) {
      const g = makeGrid(d, q, minCell, maxCells);
      expect(g.cell).toBeGreaterThanOrEqual(minCell);
      expect(g.cell).toBeGreaterThanOrEqual(1e3 * 2 ** -20);
      expect(g.cells).toBeLessThanOrEqual(maxCells);
      expect(g.cells).toBe(g.dims[0] * g.dims[1] * g.dims[2]);
      expect(g.inv).toBe(Math.fround(1 / g.cell));
    }
  });
});

describe('geometry kernels', () => {
  const kernels = allKernels.filter((k) =>
    ['neighbor_search', 'neighbor_brute', 'knn', 'scan', 'sort_by_key'].includes(k.name),
  );

  it('define the entry points the searches dispatch, with the TS uniform layouts', () => {
    expect(kernels.map((k) => `${k.name}.${k.entry}`).sort()).toEqual([
      'knn.fixed_splits',
      'knn.knn',
      'neighbor_brute.count',
      'neighbor_brute.write',
      'neighbor_search.cell_keys',
      'neighbor_search.count',
      'neighbor_search.write',
      'scan.apply',
      'scan.reduce',
      'sort_by_key.bounds',
      'sort_by_key.merge',
      'sort_by_key.rows_of',
    ]);
    expect(kernels.map((k) => k.params)).toEqual(
      expect.arrayContaining([gridParams, scanParams, sortParams]),
    );
  });
});

describe('the searches in Node (webgpu package)', () => {
  it('equal the references: radius, k nearest, transpose', async () => {
    const { init } = await import('../../src/index');
    const { radiusNeighbors, knnNeighbors } = await import('../../src/geometry/neighbors');
    const { transposeCsr } = await import('../../src/geometry/csr');
    const rt = await init();
    try {
      const rng = new Rng(3);
      const q = { coords: rng.uniforms(100 * 3), dim: 3 };
      const d = { coords: rng.uniforms(150 * 3), dim: 3 };
      const g = await radiusNeighbors(rt, q, d, 0.25);
      const t = await transposeCsr(rt, g);
      const want = bruteForceNeighbors(q.coords, d.coords, 3, 0.25);
      const got = await g.read();
      expect(Array.from(got.index)).toEqual(Array.from(want.index));
      expect(Array.from(got.rowSplits)).toEqual(Array.from(want.rowSplits));
      const tWant = transposeCsrReference(want, 150);
      expect(Array.from((await t.read()).index)).toEqual(Array.from(tWant.index));
      const k = await knnNeighbors(rt, q, d, 5);
      const kWant = bruteForceKnn(q.coords, d.coords, 3, 5);
      expect(Array.from((await k.read()).index)).toEqual(Array.from(kWant.index));
      for (const x of [g, t, k]) x.destroy();
    } finally {
      rt.destroy();
    }
  });
});
