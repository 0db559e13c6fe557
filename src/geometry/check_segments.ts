/**
 * Validation of a relation given as raw host arrays (HostSegments) before it is uploaded: the GPU
 * kernels index with these numbers unchecked, so a wrong one would read or write out of place.
 */
import { WgnoError } from '../errors';

/** HostSegments' fields, written out so that relations.ts (which calls this) is not imported. */
interface RawSegments {
  readonly rows: number;
  readonly index: ArrayLike<number>;
  readonly perm: ArrayLike<number>;
  readonly splits: ArrayLike<number>;
}

/** Throws a WgnoError of `op` naming `label`, the array, the position and what would be valid. */
export function checkSegments(s: RawSegments, op: string, label: string): void {
  const fail = (msg: string): never => {
    throw new WgnoError(op, `${label}.${msg}`);
  };
  if (!Number.isInteger(s.rows) || s.rows < 1)
    fail(`rows is ${s.rows}; it must be an integer >= 1`);
  const nnz = s.index.length;
  if (s.perm.length !== nnz)
    fail(`perm has ${s.perm.length} entries but index has ${nnz}; both list every edge once`);
  if (s.splits.length !== s.rows + 1)
    fail(`splits has ${s.splits.length} entries; it needs rows + 1 = ${s.rows + 1}`);
  checkRowSplits(s.splits, nnz, { splits: 'splits', index: 'index', minLength: 2 }, fail);
  for (let e = 0; e < nnz; e++)
    if (s.index[e] < 0 || s.index[e] >= s.rows)
      fail(`index[${e}] = ${s.index[e]} is out of range; rows are 0..${s.rows - 1}`);
  const seen = new Uint8Array(nnz);
  for (let r = 0; r < s.rows; r++)
    for (let k = s.splits[r]; k < s.splits[r + 1]; k++) {
      const e = s.perm[k];
      if (e < 0 || e >= nnz || seen[e])
        fail(
          `perm[${k}] = ${e} is ${seen[e] ? 'repeated' : 'out of range'}; perm must hold each edge 0..${nnz - 1} once`,
        );
      seen[e] = 1;
      if (s.index[e] !== r)
        fail(
          `perm[${k}] = ${e} lies in row ${r}'s splits but index[${e}] = ${s.index[e]}; perm must group edges by row`,
        );
      if (k > s.splits[r] && e < s.perm[k - 1])
        fail(`perm[${k}] = ${e} follows ${s.perm[k - 1]}; edges must ascend within a row`);
    }
}

/**
 * The row splits of a CSR relation: at least `minLength` entries, starting at 0, integers that never
 * decrease, ending at `nnz` (the length of the edge array `indexName`). One check for every CSR
 * that reaches a kernel (uploadSegments, buildCsr, validateCsr); `fail` throws the caller's error.
 */
export function checkRowSplits(
  splits: ArrayLike<number>,
  nnz: number,
  names: { readonly splits: string; readonly index: string; readonly minLength: number },
  fail: (msg: string) => never,
): void {
  const name = names.splits;
  if (splits.length < names.minLength)
    fail(`${name} has ${splits.length} entries; it needs rows + 1 >= ${names.minLength}`);
  if (splits[0] !== 0) fail(`${name}[0] = ${splits[0]}; it must be 0`);
  for (let r = 1; r < splits.length; r++)
    if (!Number.isInteger(splits[r]) || splits[r] < splits[r - 1])
      fail(
        `${name}[${r}] = ${splits[r]} < ${name}[${r - 1}] = ${splits[r - 1]}; entries must be integers that never decrease`,
      );
  const end = splits[splits.length - 1];
  if (end !== nnz)
    fail(
      `${name} ends at ${end} but ${names.index} has ${nnz} entries; the last split must equal its length`,
    );
}
