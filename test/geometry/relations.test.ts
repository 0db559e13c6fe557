import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/geometry/relations';

describe('buildCsr', () => {
  it('builds the row of each edge and the transposed CSR (stable, ascending edges)', () => {
    // query 0: points 2, 0, 2; query 1: none; query 2: point 1; points 3 unreferenced.
    const nb = buildCsr([0, 3, 3, 4], [2, 0, 2, 1], 4);
    expect([nb.m, nb.n, nb.nnz]).toEqual([3, 4, 4]);
    expect(Array.from(nb.byQuery.index)).toEqual([0, 0, 0, 2]);
    expect(Array.from(nb.byQuery.perm)).toEqual([0, 1, 2, 3]);
    expect(Array.from(nb.byQuery.splits)).toEqual([0, 3, 3, 4]);
    expect(Array.from(nb.byPoint.index)).toEqual([2, 0, 2, 1]);
    expect(Array.from(nb.byPoint.perm)).toEqual([1, 3, 0, 2]);
    expect(Array.from(nb.byPoint.splits)).toEqual([0, 1, 2, 4, 4]);
    expect(nb.byPoint.rows).toBe(4);
  });

  it('rejects invalid CSR input, naming the argument and what is valid', () => {
    expect(() => buildCsr([1, 2], [0, 0], 2)).toThrow(
      /buildCsr: neighbors_row_splits\[0\] = 1; it must be 0/,
    );
    expect(() => buildCsr([0, 2, 1, 3], [0, 0, 0], 1)).toThrow(
      /neighbors_row_splits\[2\] = 1 < neighbors_row_splits\[1\] = 2; entries must be integers that never decrease/,
    );
    expect(() => buildCsr([0, 2], [0, 0, 0], 1)).toThrow(
      /neighbors_row_splits ends at 2 but neighbors_index has 3 entries; the last split must equal its length/,
    );
    expect(() => buildCsr([0], [0], 1)).toThrow(
      /neighbors_row_splits has 1 entries; it needs rows \+ 1 >= 2/,
    );
    expect(() => buildCsr([0, 2], [0, 5], 3)).toThrow(
      /neighbors_index \[1\] = 5 is out of range; valid data-point indices are 0..2/,
    );
    expect(() => buildCsr([0, 1], [-1], 3)).toThrow(/neighbors_index \[0\] = -1 is out of range/);
    expect(() => buildCsr([0, 1], [0.5], 3)).toThrow(/neighbors_index \[0\] = 0.5/);
    expect(() => buildCsr([0, 0], [], 3)).toThrow(/neighbors_index is empty \(nnz = 0\)/);
    expect(() => buildCsr([0, 1], [0], 0)).toThrow(/nPoints is 0; it must be an integer >= 1/);
  });
});
