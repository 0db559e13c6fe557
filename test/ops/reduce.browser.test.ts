import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { l2Norm, mean, sum } from '../../src/ops/reduce';
import { opSuite, type OpCase } from './harness';

type Axes = number | number[] | undefined;

// [input shape, axes, keepdim]. The kernel path follows R (elements per output), the output count
// and the lowering: R <= 32 one thread per output; larger R over contiguous rows one workgroup per
// output with a tree ('workgroup' lowering); otherwise chunks of R per thread plus a second pass
// over the chunks' partial sums (every long reduction on 'lane', strided ones on 'workgroup').
const sums: [number[], Axes, boolean][] = [
  [[1], undefined, false], // a single element
  [[97], undefined, false], // prime, full reduction (R = 97: workgroup path)
  [[13], 0, true],
  [[3, 5, 7], undefined, true],
  [[3, 5, 7], 1, false], // middle axis: strided reads (per-thread path)
  [[3, 5, 7], -1, true], // last axis, negative index
  [[3, 5, 7], [0, 2], false], // non-contiguous axes
  [[3, 5, 7], [2, 0], true], // unsorted input axes
  [[2, 1, 7, 3], [1, 2], false], // a size-1 axis in the reduced set
  [[2, 3, 1, 4, 5], [0, 2, 4], true], // alternating kept/reduced groups
  [[1, 7], 1, false], // batch 1
  [[4, 6], [], false], // no axes: a copy
  [[3000], undefined, false], // full reduction of a few thousand (workgroup tree)
  [[2, 1500], 1, true], // two long rows
  [[37, 41], 0, false], // long strided columns (R = 37, workgroup path)
  [[9000, 3], 1, false], // many short rows (per-thread path)
  [[600, 40], 0, false], // 40 strided outputs of R = 600 (workgroup path)
  [[9000, 40], 1, false], // 9000 outputs with R = 40: per-thread path for moderate R
  [[5000, 7], 0, false], // column sums (a bias gradient): chunked on both lowerings
  [[130, 3, 50], [0, 2], false], // two reduced groups: chunks cut runs of the inner axis
  [[3, 40, 70], [0, 1], true], // a reduced block of 120 x 70 outer to kept columns
];

const cases: OpCase[] = sums.map(([shape, axes, keepdim]) => ({
  name: `sum ${JSON.stringify(shape)} axes=${JSON.stringify(axes)} keepdim=${keepdim}`,
  inputs: [{ shape }],
  fn: (x) => sum(x, axes, keepdim),
}));

cases.push(
  {
    name: 'mean [3, 5, 7] axes=[0, 2]',
    inputs: [{ shape: [3, 5, 7] }],
    fn: (x) => mean(x, [0, 2]),
  },
  { name: 'mean [2000] all', inputs: [{ shape: [2000] }], fn: (x) => mean(x) },
  {
    name: 'mean [4, 9] axis -1 keepdim',
    inputs: [{ shape: [4, 9] }],
    fn: (x) => mean(x, -1, true),
  },
  { name: 'l2Norm [97] all', inputs: [{ shape: [97] }], fn: (x) => l2Norm(x) },
  {
    name: 'l2Norm [3, 5, 7] axes=[1] keepdim',
    inputs: [{ shape: [3, 5, 7] }],
    fn: (x) => l2Norm(x, 1, true),
  },
  // The reduction feeding a later op: the sum's gradient is broadcast back through mul.
  {
    name: 'x * sum(x, 1, keepdim)',
    inputs: [{ shape: [5, 6] }],
    fn: (x) => w.mul(x, sum(x, 1, true)),
  },
);

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`reduce ops (${kernels})`, cases, { kernels });

describe('reduce errors', () => {
  it('name the op, the axis and the rank', async () => {
    const rt = await w.init();
    try {
      const x = rt.tensor(new Float32Array(6), [2, 3]);
      expect(() => sum(x, 2)).toThrow(
        /sum: axis 2 is out of range for input \[2, 3\] of rank 2; valid axes are -2..1/,
      );
      expect(() => sum(x, [-3])).toThrow(/sum: axis -3 is out of range .* rank 2/);
      expect(() => sum(x, [0, -2])).toThrow(
        /sum: axis -2 is repeated in \[0, -2\] for input \[2, 3\] of rank 2/,
      );
      expect(() => sum(x, 0.5)).toThrow(/sum: axis 0.5 is out of range/);
      expect(() => mean(x, [1, 1])).toThrow(/mean: axis 1 is repeated/);
      expect(() => l2Norm(x, 5)).toThrow(/l2_norm: axis 5 is out of range/);
      const c = rt.tensor(new Float32Array(12), [2, 3], { dtype: 'complex64' });
      expect(() => sum(c)).toThrow(/sum: input 0 has dtype complex64; sum supports f32 only/);
    } finally {
      rt.destroy();
    }
  });

  it('gives the same bits on every run (no atomics)', async () => {
    const rt = await w.init();
    try {
      const data = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 1.7) * 1e3);
      const x = rt.tensor(data, [5000]);
      const a = await sum(x).read();
      const b = await sum(x).read();
      expect(Array.from(b)).toEqual(Array.from(a));
    } finally {
      rt.destroy();
    }
  });
});
