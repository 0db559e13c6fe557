import { describe, expect, it } from 'vitest';
import { init, mul, sum } from '../../src/index';
import { buildCsr, neighborhoods } from '../../src/geometry/relations';
import { segmentMax, segmentSoftmax } from '../../src/ops/segment_softmax';
import { segmentSum } from '../../src/ops/segment_sum';
import { Rng } from '../../src/random';
import { opSuite, type OpCase } from './harness';
import { randomCsr, relation, seg } from '../util/segments';

const rng = new Rng(11);
// [name, rowSplits, neighbors_index, nPoints]
const csrs: [string, number[], number[], number][] = [
  ['random with an empty row', ...randomCsr(rng, [3, 0, 4, 1, 3], 7), 7],
  ['rows of one edge', [0, 1, 2, 3], [2, 0, 1], 3],
  ['empty first and last rows', [0, 0, 2, 5, 5], [5, 1, 1, 0, 5], 6],
  ['one long row (300)', ...randomCsr(rng, [300, 2, 5], 40), 40],
];

const cases: OpCase[] = [];
for (const [name, splits, index, n] of csrs) {
  const nb = buildCsr(splits, index, n);
  for (const [relName, rel, rows] of [
    ['byQuery', nb.byQuery, nb.m],
    ['byPoint', nb.byPoint, n],
  ] as const) {
    for (const shape of [[nb.nnz], [nb.nnz, 3], [2, nb.nnz, 2]]) {
      const tag = `${relName}: ${name}, e ${JSON.stringify(shape)}`;
      cases.push(
        {
          name: `segment_max ${tag}`,
          inputs: [{ shape }, ...relation(rel)],
          fn: (e, ...r) => segmentMax(e, seg(rows, r)),
        },
        {
          name: `segment_softmax ${tag}`,
          inputs: [{ shape }, ...relation(rel)],
          fn: (e, ...r) => segmentSoftmax(e, seg(rows, r)),
        },
      );
    }
  }
  // GAOT's use: softmax weights times values, summed per row (weights broadcast over channels).
  cases.push({
    name: `attention-weighted segment sum: ${name}`,
    inputs: [{ shape: [nb.nnz, 1] }, { shape: [nb.nnz, 3] }, ...relation(nb.byQuery)],
    fn: (s, v, ...r) => segmentSum(mul(segmentSoftmax(s, seg(nb.m, r)), v), seg(nb.m, r)),
  });
}
// Scores up to +-80: exp would overflow f32 without the row max subtracted.
const big = buildCsr([0, 3, 5], [0, 1, 2, 0, 1], 3);
cases.push({
  name: 'segment_softmax of scores +-80 (stable)',
  inputs: [{ shape: [5], data: [80, 79, -80, 75, 80] }, ...relation(big.byQuery)],
  fn: (e, ...r) => segmentSoftmax(e, seg(2, r)),
});

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`segment max and softmax (${kernels})`, cases, { kernels });

describe('segment max and softmax: conventions and errors', () => {
  it('an empty row has max 0; ties send the gradient to the first edge of the row', async () => {
    const rt = await init();
    try {
      // Row 0: edges 0..2 with a tie (edges 0 and 2); row 1 empty; row 2: edges 3, 4 (tie).
      const nb = neighborhoods(rt, { rowSplits: [0, 3, 3, 5], index: [0, 1, 2, 3, 4], nPoints: 5 });
      const e = rt.tensor([2, -1, 2, 5, 5], [5], { requiresGrad: true });
      const m = segmentMax(e, nb.byQuery);
      expect(Array.from(await m.read())).toEqual([2, 0, 5]);
      sum(mul(m, rt.tensor([10, 20, 30], [3]))).backward();
      expect(Array.from(await e.grad!.read())).toEqual([10, 0, 0, 30, 0]);
      const p = segmentSoftmax(e, nb.byQuery);
      const got = Array.from(await p.read());
      const z = 2 * Math.exp(0) + Math.exp(-3);
      [1 / z, Math.exp(-3) / z, 1 / z, 0.5, 0.5].forEach((v, i) =>
        expect(got[i]).toBeCloseTo(v, 6),
      );
      nb.destroy();
    } finally {
      rt.destroy();
    }
  });

  it('shape rules name the op, the argument and the shapes', async () => {
    const rt = await init();
    try {
      const nb = neighborhoods(rt, { rowSplits: [0, 2, 3], index: [1, 0, 1], nPoints: 2 });
      expect(() => segmentMax(rt.tensor(new Float32Array(4), [2, 2]), nb.byQuery)).toThrow(
        /segment_max: e \[2, 2\] has 2 rows but index \[3\] has 3 edges; e needs one row per edge/,
      );
      expect(() => segmentSoftmax(rt.tensor(new Float32Array(2), [2]), nb.byQuery)).toThrow(
        /segment_softmax: e \[2, 1\] has 2 rows but index \[3\] has 3 edges/,
      );
      nb.destroy();
    } finally {
      rt.destroy();
    }
  });
});
