// Relation inputs shared by the segment op tests (segment_softmax, message_passing).
import type { HostSegments } from '../../src/geometry/relations';
import type { Tensor } from '../../src/index';
import type { Rng } from '../../src/random';
import type { InputSpec } from '../ops/harness';

/** The three i32 inputs of a relation, in op order (index, perm, splits). */
export const relation = (s: HostSegments): InputSpec[] => [
  { shape: [s.index.length], dtype: 'i32', data: s.index },
  { shape: [s.perm.length], dtype: 'i32', data: s.perm },
  { shape: [s.splits.length], dtype: 'i32', data: s.splits },
];

/** The segments argument of the ops from the relation's three tensors. */
export const seg = (rows: number, [index, perm, splits]: Tensor[]) => ({
  rows,
  index,
  perm,
  splits,
});

/** Row splits from per-row edge counts and uniformly drawn indices below n. */
export function randomCsr(rng: Rng, counts: number[], n: number): [number[], number[]] {
  const splits = [0];
  for (const k of counts) splits.push(splits[splits.length - 1] + k);
  const index = Array.from({ length: splits[splits.length - 1] }, () =>
    Math.floor(rng.uniforms(1, 0, n)[0]),
  );
  return [splits, index];
}
