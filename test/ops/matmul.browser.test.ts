import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { channelLinear } from '../../src/ops/channel_linear';
import { kSlices, matmul } from '../../src/ops/matmul';
import { opSuite, type OpCase } from './harness';

type Trans = { transA?: boolean; transB?: boolean };

/** [a shape, b shape, trans flags]; a is [..., M, K] (or [..., K, M] with transA). */
const products: [number[], number[], Trans][] = [
  [[1, 1], [1, 1], {}], // M = K = N = 1
  [[1, 7], [7, 1], {}], // a dot product
  [[7, 1], [1, 13], {}], // an outer product (K = 1)
  [[13, 7], [7, 97], {}], // primes, partial edge tiles
  [[5, 3], [3, 4], {}],
  [[3, 5], [3, 4], { transA: true }],
  [[5, 3], [4, 3], { transB: true }],
  [[3, 5], [4, 3], { transA: true, transB: true }],
  [[1, 5, 3], [1, 3, 4], {}], // batch 1
  [[2, 5, 3], [2, 3, 4], {}],
  [[6, 11], [3, 11, 7], {}], // a weight times a batch (a's batch broadcast)
  [[3, 6, 11], [11, 7], {}], // b broadcast
  [[2, 1, 5, 3], [4, 2, 3], { transB: true }], // batch [2, 1] x [4] -> [2, 4]
  [[3, 1, 4, 5], [1, 2, 4, 3], { transA: true }], // batch broadcast both ways
  [[67, 19], [19, 65], {}], // just over one 64 x 64 tile in M and N
  [[64, 64], [64, 64], {}],
  [[2, 17, 40], [2, 40, 9], {}], // K over three K steps with a remainder
  [[70, 33], [65, 70], { transA: true, transB: true }], // edge tiles on every side, both transposed
];

const cases: OpCase[] = products.map(([a, b, t]) => ({
  name: `matmul ${JSON.stringify(a)} ${JSON.stringify(b)}${t.transA ? ' transA' : ''}${t.transB ? ' transB' : ''}`,
  inputs: [{ shape: a }, { shape: b }],
  fn: (x, y) => matmul(x, y, t),
}));

/** [a shape, b shape, trans flags, bias shape]: bias [N] per column or [M, 1] per row. */
const biased: [number[], number[], Trans, number[]][] = [
  [[13, 7], [7, 11], {}, [11]],
  [[13, 7], [7, 11], {}, [13, 1]],
  [[3, 9, 5], [6, 5], { transB: true }, [6]], // a linear layer over a batch of rows
  [[2, 4, 9], [4, 7], { transA: true }, [9, 1]],
  [[1, 1], [1, 1], {}, [1]],
];
for (const [a, b, t, bias] of biased)
  cases.push({
    name: `matmul ${JSON.stringify(a)} ${JSON.stringify(b)}${t.transA ? ' transA' : ''}${t.transB ? ' transB' : ''} + bias ${JSON.stringify(bias)}`,
    inputs: [{ shape: a }, { shape: b }, { shape: bias }],
    fn: (x, y, z) => matmul(x, y, { ...t, bias: z }),
  });

/**
 * Long K, few outputs: split into K slices (kSlices) on both lowerings, summed in a second pass
 * that also adds the bias. K = 2100 makes 4 slices on 'lane', 2 on 'workgroup'.
 */
const split: [number[], number[], Trans, number[] | null][] = [
  [[2100, 5], [2100, 3], { transA: true }, null], // a weight gradient: x^T g over 2100 rows
  [[2100, 6], [2100, 9], { transA: true }, [9]],
  [[6, 2100], [4, 2100], { transB: true }, [6, 1]],
  [[2, 3, 2100], [2100, 2], {}, null], // batched
];
for (const [a, b, t, bias] of split)
  cases.push({
    name: `matmul split-K ${JSON.stringify(a)} ${JSON.stringify(b)}${t.transA ? ' transA' : ''}${t.transB ? ' transB' : ''}${bias ? ` + bias ${JSON.stringify(bias)}` : ''}`,
    inputs: [{ shape: a }, { shape: b }, ...(bias ? [{ shape: bias }] : [])],
    fn: (x, y, z) => matmul(x, y, { ...t, bias: z }),
  });

cases.push(
  // The same tensor on both sides: x x^T, gradients accumulate from both operands.
  { name: 'matmul x x^T', inputs: [{ shape: [6, 9] }], fn: (x) => matmul(x, x, { transB: true }) },
  {
    name: 'channelLinear 1-D [2, 3, 7] -> 5',
    inputs: [{ shape: [2, 3, 7] }, { shape: [5, 3] }, { shape: [5] }],
    fn: channelLinear,
  },
  {
    name: 'channelLinear 2-D [1, 4, 5, 3] -> 6',
    inputs: [{ shape: [1, 4, 5, 3] }, { shape: [6, 4] }, { shape: [6] }],
    fn: channelLinear,
  },
  {
    name: 'channelLinear no bias [3, 1, 13] -> 2',
    inputs: [{ shape: [3, 1, 13] }, { shape: [2, 1] }],
    fn: (x, wt) => channelLinear(x, wt),
  },
  {
    name: 'channelLinear no spatial [4, 3] -> 2',
    inputs: [{ shape: [4, 3] }, { shape: [2, 3] }, { shape: [2] }],
    fn: channelLinear,
  },
);

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`matmul ops (${kernels})`, cases, { kernels });

describe('matmul errors', () => {
  it('name the op, both shapes and the mismatching dims', async () => {
    const rt = await w.init();
    try {
      const t = (shape: number[], dtype: w.DType = 'f32') => rt.zeros(shape, { dtype });
      expect(() => matmul(t([2, 3]), t([4, 5]))).toThrow(
        /matmul: a \[2, 3\] and b \[4, 5\]: inner dimensions differ \(K = 3 from a, 4 from b\)/,
      );
      expect(() => matmul(t([2, 3]), t([2, 5]), { transA: true })).not.toThrow();
      expect(() => matmul(t([2, 3]), t([5, 2]), { transB: true })).toThrow(
        /matmul: a \[2, 3\] and b \[5, 2\] \(transB\): inner dimensions differ \(K = 3 from a, 2 from b\)/,
      );
      expect(() => matmul(t([2, 2, 3]), t([3, 3, 4]))).toThrow(
        /matmul: a \[2, 2, 3\] and b \[3, 3, 4\]: batch dimensions do not broadcast \(batch dim 0: 2 vs 3/,
      );
      expect(() => matmul(t([3]), t([3, 4]))).toThrow(
        /matmul: a \[3\] and b \[3, 4\]: both operands need rank >= 2/,
      );
      expect(() => matmul(t([2, 3], 'complex64'), t([3, 4]))).toThrow(
        /matmul: input 0 has dtype complex64; matmul supports f32 only/,
      );
    } finally {
      rt.destroy();
    }
  });

  it('name a bias of the wrong shape and the two valid ones', async () => {
    const rt = await w.init();
    try {
      const [a, b] = [rt.zeros([2, 3]), rt.zeros([3, 4])];
      expect(() => matmul(a, b, { bias: rt.zeros([2]) })).toThrow(
        /matmul: a \[2, 3\] and b \[3, 4\]: bias \[2\] must be \[N\] = \[4\] \(one per column\) or \[M, 1\] = \[2, 1\] \(one per row\)/,
      );
      expect(() => matmul(a, b, { bias: rt.zeros([1, 4]) })).toThrow(/bias \[1, 4\] must be/);
    } finally {
      rt.destroy();
    }
  });

  it('split K only for few output blocks and long K, as the split cases above assume', () => {
    expect(kSlices('lane', 1, 2100, 15)).toBe(4);
    expect(kSlices('workgroup', 1, 2100, 15)).toBe(2);
    expect(kSlices('lane', 1, 1023, 15)).toBe(1); // K too short
    expect(kSlices('lane', 4096, 1e6, 1e6)).toBe(1); // enough blocks already
    expect(kSlices('lane', 16, 204_768, 1024)).toBe(128); // a GNO weight gradient
    expect(kSlices('lane', 1, 1e7, 2 ** 22)).toBe(4); // partials capped at 64 MiB
  });

  it('channelLinear names the op and the shapes', async () => {
    const rt = await w.init();
    try {
      const x = rt.zeros([2, 3, 7]);
      expect(() => channelLinear(x, rt.zeros([5, 4]))).toThrow(
        /channel_linear: x \[2, 3, 7\], weight \[5, 4\]: weight must be \[Cout, Cin\] with Cin = 3/,
      );
      expect(() => channelLinear(x, rt.zeros([5, 3, 1]))).toThrow(
        /channel_linear: .*weight \[5, 3, 1\]/,
      );
      expect(() => channelLinear(x, rt.zeros([5, 3]), rt.zeros([4]))).toThrow(
        /channel_linear: x \[2, 3, 7\], weight \[5, 3\], bias \[4\]: bias must be \[Cout\] = \[5\]/,
      );
      expect(() => channelLinear(rt.zeros([3]), rt.zeros([5, 3]))).toThrow(
        /channel_linear: x \[3\].*rank >= 2/,
      );
    } finally {
      rt.destroy();
    }
  });
});
