import { describe, expect, it } from 'vitest';
import { add, init, mul, sum } from '../../src/index';
import { Neighborhoods, buildCsr, neighborhoods } from '../../src/geometry/relations';
import { gatherRows } from '../../src/ops/gather_rows';
import { segmentMean, segmentSum } from '../../src/ops/segment_sum';
import { indexTensor, indexTensorFromBuffer } from '../../src/graph/index_tensor';
import { Rng } from '../../src/random';
import { opSuite, type OpCase } from './harness';
import { randomCsr, relation, seg } from '../util/segments';

const rng = new Rng(7);
// [name, rowSplits, neighbors_index, nPoints]
const csrs: [string, number[], number[], number][] = [
  ['random with an empty query', ...randomCsr(rng, [3, 0, 4, 1, 3], 7), 7],
  ['each point its only neighbour', [0, 1, 2, 3, 4], [0, 1, 2, 3], 4],
  ['duplicate indices', [0, 4, 6], [2, 2, 0, 2, 1, 1], 3],
  ['empty first/last queries, unreferenced points', [0, 0, 2, 5, 5], [5, 1, 1, 0, 5], 6],
  ['one long neighbourhood (300)', ...randomCsr(rng, [300, 2, 5], 40), 40],
];

const cases: OpCase[] = [];
for (const [name, splits, index, n] of csrs) {
  const nb = buildCsr(splits, index, n);
  for (const c of [1, 3]) {
    for (const mean of [false, true]) {
      const tag = `${name}, c=${c}${mean ? ', mean' : ''}`;
      cases.push(
        {
          name: `gather_rows byPoint: ${tag}`,
          inputs: [{ shape: [n, c] }, ...relation(nb.byPoint)],
          fn: (x, ...r) => gatherRows(x, seg(n, r), mean),
        },
        {
          name: `gather_rows byQuery: ${tag}`,
          inputs: [{ shape: [nb.m, c] }, ...relation(nb.byQuery)],
          fn: (x, ...r) => gatherRows(x, seg(nb.m, r), mean),
        },
        {
          name: `segment_sum byQuery: ${tag}`,
          inputs: [{ shape: [nb.nnz, c] }, ...relation(nb.byQuery)],
          fn: (e, ...r) => (mean ? segmentMean : segmentSum)(e, seg(nb.m, r)),
        },
        {
          name: `segment_sum byPoint (transposed CSR): ${tag}`,
          inputs: [{ shape: [nb.nnz, c] }, ...relation(nb.byPoint)],
          fn: (e, ...r) => (mean ? segmentMean : segmentSum)(e, seg(n, r)),
        },
      );
    }
  }
  // Leading batch axes share the relation (neuraloperator's batched f_y).
  for (const lead of [[2], [2, 3]]) {
    const tag = `${name}, batch ${JSON.stringify(lead)}, mean`;
    cases.push(
      {
        name: `gather_rows byPoint: ${tag}`,
        inputs: [{ shape: [...lead, n, 2] }, ...relation(nb.byPoint)],
        fn: (x, ...r) => gatherRows(x, seg(n, r), true),
      },
      {
        name: `segment_sum byQuery: ${tag}`,
        inputs: [{ shape: [...lead, nb.nnz, 2] }, ...relation(nb.byQuery)],
        fn: (e, ...r) => segmentMean(e, seg(nb.m, r)),
      },
    );
  }
  // The product form (times): e * w summed per segment, both factors differentiated.
  for (const mean of [false, true]) {
    const tag = `${name}, batch [2], c=3${mean ? ', mean' : ''}`;
    cases.push({
      name: `segment_sum of a product byQuery: ${tag}`,
      inputs: [{ shape: [2, nb.nnz, 3] }, ...relation(nb.byQuery), { shape: [2, nb.nnz, 3] }],
      fn: (e, i, p, sp, w) =>
        (mean ? segmentMean : segmentSum)(e, seg(nb.m, [i, p, sp]), { times: w }),
    });
  }
  // A whole message-passing step: gather points and queries onto edges, combine, reduce.
  cases.push({
    name: `message passing: ${name}`,
    inputs: [
      { shape: [n, 2] },
      { shape: [nb.m, 2] },
      ...relation(nb.byPoint),
      ...relation(nb.byQuery),
    ],
    fn: (f, x, i1, p1, s1, i2, p2, s2) => {
      const byPoint = seg(n, [i1, p1, s1]);
      const byQuery = seg(nb.m, [i2, p2, s2]);
      const msg = mul(gatherRows(f, byPoint), add(gatherRows(x, byQuery), gatherRows(f, byPoint)));
      return segmentMean(msg, byQuery);
    },
  });
}

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`message passing ops (${kernels})`, cases, { kernels });

describe('message passing: index tensors and errors', () => {
  it('index tensors round-trip, are never differentiated, and are rejected by float ops', async () => {
    const rt = await init();
    try {
      const idx = indexTensor(rt, [3, 0, 2147483647, -5]);
      expect(idx.dtype).toBe('i32');
      expect(idx.requiresGrad).toBe(false);
      expect(Array.from(await idx.readIndices())).toEqual([3, 0, 2147483647, -5]);
      await expect(idx.read()).rejects.toThrow(/holds indices; read it with readIndices\(\)/);
      idx.write(Int32Array.of(1, 2, 3, 4));
      expect(Array.from(await idx.readIndices())).toEqual([1, 2, 3, 4]);
      expect(() => idx.write([1.5, 0, 0, 0])).toThrow(
        /value 0 is 1.5; i32 indices must be integers/,
      );
      const x = rt.tensor([1, 2, 3, 4], [4], { requiresGrad: true });
      expect(() => add(x, idx)).toThrow(
        /add: input 1 is an i32 index tensor \[4\]; add takes f32 or complex64 values/,
      );
      expect(() => sum(idx)).toThrow(/sum: input 0 is an i32 index tensor/);
      expect(() => indexTensor(rt, [0.5])).toThrow(/indexTensor: value 0 is 0.5/);
      expect(() => indexTensor(rt, [])).toThrow(/indexTensor: shape \[0\] is empty; zero-size/);
      expect(() => indexTensor(rt, [1, 2, 3], { shape: [2] })).toThrow(
        /data has 3 values but shape \[2\] i32 needs 2/,
      );
    } finally {
      rt.destroy();
    }
  });

  it('wraps an existing GPU buffer without owning it', async () => {
    const rt = await init();
    try {
      const buf = rt.device.createBuffer({
        size: 16,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      rt.device.queue.writeBuffer(buf, 0, Int32Array.of(1, 0, 1, 1));
      const nb = neighborhoods(rt, { rowSplits: [0, 2, 4], index: [1, 0, 1, 1], nPoints: 2 });
      const index = indexTensorFromBuffer(rt, buf, [4]);
      const gpu = new Neighborhoods(nb.byQuery, { ...nb.byPoint, index });
      expect([gpu.m, gpu.n, gpu.nnz]).toEqual([2, 2, 4]);
      const x = rt.tensor([10, 20], [2, 1]);
      const y = gatherRows(x, gpu.byPoint);
      expect(Array.from(await y.read())).toEqual([20, 10, 20, 20]);
      const short = indexTensor(rt, [0, 1, 1]);
      expect(() => new Neighborhoods(nb.byQuery, { ...nb.byPoint, index: short })).toThrow(
        /Neighborhoods: relations disagree: byQuery \(rows 2\) and byPoint \(rows 2\) need index and perm of one length \(nnz = 4\)/,
      );
      index.destroy();
      expect(Array.from(await rt.readBuffer(buf, 16))).toHaveLength(4); // still usable
      expect(() => indexTensorFromBuffer(rt, buf, [5])).toThrow(
        /16 bytes is too small for i32 \[5\]/,
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
      const x = rt.tensor(new Float32Array(6), [3, 2]);
      expect(() => gatherRows(x, nb.byPoint)).toThrow(
        /gather_rows: x \[3, 2\] has 3 rows but splits \[3\] describes 2; splits needs x's rows \+ 1 entries/,
      );
      expect(() => segmentSum(rt.tensor(new Float32Array(4), [2, 2]), nb.byQuery)).toThrow(
        /segment_sum: e \[2, 2\] has 2 rows but index \[3\] has 3 edges/,
      );
      expect(() => segmentSum(rt.tensor(new Float32Array(3), [3]), nb.byQuery)).toThrow(
        /segment_sum: e \[3\], index \[3\], perm \[3\], splits \[3\]: e must be \[...batch, rows, channels\] \(rank >= 2\)/,
      );
      expect(() => gatherRows(rt.tensor(new Float32Array(12), [2, 3, 2]), nb.byPoint)).toThrow(
        /gather_rows: x \[2, 3, 2\] has 3 rows but splits \[3\] describes 2/,
      );
      const f = rt.tensor(new Float32Array(3), [3, 1]);
      expect(() => segmentSum(f, { ...nb.byQuery, perm: f })).toThrow(
        /segment_sum: input 2 is f32 \[3, 1\] but must be an i32 index tensor/,
      );
      const c = rt.tensor(new Float32Array(12), [3, 2], { dtype: 'complex64' });
      expect(() => segmentSum(c, nb.byQuery)).toThrow(/segment_sum supports f32 only/);
      const e = rt.tensor(new Float32Array(6), [3, 2]);
      expect(() =>
        segmentSum(e, nb.byQuery, { times: rt.tensor(new Float32Array(3), [3, 1]) }),
      ).toThrow(/segment_sum: times \[3, 1\] f32 must be f32 of e's shape \[3, 2\]/);
      nb.destroy();
    } finally {
      rt.destroy();
    }
  });

  it('gives the same bits on every run (no atomics), forward and backward', async () => {
    const rt = await init();
    try {
      const r = new Rng(3);
      const [splits, index] = randomCsr(r, [200, 1, 0, 57], 9);
      const nb = neighborhoods(rt, { rowSplits: splits, index, nPoints: 9 });
      const f = rt.tensor(
        r.normals(9 * 4).map((v) => v * 1e3),
        [9, 4],
        { requiresGrad: true },
      );
      const run = async () => {
        const out = segmentSum(gatherRows(f, nb.byPoint), nb.byQuery);
        sum(mul(out, out)).backward();
        return [Array.from(await out.read()), Array.from(await f.grad!.read())];
      };
      const a = await run();
      const b = await run();
      expect(b).toEqual(a);
      nb.destroy();
    } finally {
      rt.destroy();
    }
  });
});
