/** uploadSegments, the exported raw-index path, checks indices and splits before any upload. */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/graph/engine';
import { buildCsr, uploadSegments, type HostSegments } from '../../src/geometry/relations';
import { init } from '../../src/runtime/runtime';
import { expectWgnoError } from '../util/errors';

const i32 = (a: number[]) => Int32Array.from(a);
// Row 0: edges 0, 2; row 1: edge 1.
const good: HostSegments = {
  rows: 2,
  index: i32([0, 1, 0]),
  perm: i32([0, 2, 1]),
  splits: i32([0, 2, 3]),
};
/** Never reached: every case below must throw before the upload. */
const noGpu = {} as Engine;

describe('uploadSegments validates its host arrays', () => {
  it('accepts both relations that buildCsr makes, and uploads them', async () => {
    const rt = await init();
    try {
      const nb = buildCsr([0, 3, 3, 4], [2, 0, 2, 1], 4);
      for (const s of [nb.byQuery, nb.byPoint, good]) {
        const up = uploadSegments(rt, s);
        expect(Array.from(await up.perm.readIndices())).toEqual(Array.from(s.perm));
      }
    } finally {
      rt.destroy();
    }
  });

  it('rejects out-of-range indices, bad splits and a perm that is not a grouping', () => {
    const bad = (patch: Partial<HostSegments>, message: RegExp) =>
      expectWgnoError(
        () => uploadSegments(noGpu, { ...good, ...patch }, 'rel'),
        'uploadSegments',
        message,
      );
    bad({ index: i32([0, 5, 0]) }, /rel\.index\[1\] = 5 is out of range; rows are 0\.\.1/);
    bad({ index: i32([0, -1, 0]) }, /rel\.index\[1\] = -1 is out of range/);
    bad({ splits: i32([0, 2]) }, /rel\.splits has 2 entries; it needs rows \+ 1 = 3/);
    bad({ splits: i32([1, 2, 3]) }, /rel\.splits\[0\] = 1; it must be 0/);
    bad(
      { splits: i32([0, 3, 2]) },
      /rel\.splits\[2\] = 2 < splits\[1\] = 3; entries must be integers that never decrease/,
    );
    bad(
      { splits: i32([0, 2, 4]) },
      /rel\.splits ends at 4 but index has 3 entries; the last split must equal its length/,
    );
    bad({ perm: i32([0, 2]) }, /rel\.perm has 2 entries but index has 3/);
    bad({ perm: i32([0, 0, 1]) }, /rel\.perm\[1\] = 0 is repeated/);
    bad({ perm: i32([0, 7, 1]) }, /rel\.perm\[1\] = 7 is out of range/);
    bad({ perm: i32([0, 1, 2]) }, /rel\.perm\[1\] = 1 lies in row 0's splits but index\[1\] = 1/);
    bad({ perm: i32([2, 0, 1]) }, /rel\.perm\[1\] = 0 follows 2; edges must ascend within a row/);
    bad({ rows: 0 }, /rel\.rows is 0; it must be an integer >= 1/);
  });
});
