import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { flatten, squeeze, unsqueeze } from '../../src/ops/layout';
import { opSuite, type OpCase } from './harness';

type Fn = (...xs: w.Tensor[]) => w.Tensor;
const c64 = 'complex64' as const;
const one = (name: string, shape: number[], fn: Fn, extra: Partial<OpCase> = {}): OpCase => ({
  name,
  inputs: [{ shape }],
  fn,
  ...extra,
});
// complex64 cases check the forward pass only: no op yet maps complex to f32, so no real loss reaches them.
const cplx = (name: string, shape: number[], fn: Fn): OpCase => ({
  name: `${name} complex64`,
  inputs: [{ shape, dtype: c64 }],
  fn,
  skipGrad: true,
});

const reshapeCases: OpCase[] = [
  one('reshape [2,3,4] -> [4,-1]', [2, 3, 4], (x) => w.reshape(x, [4, -1])),
  one('reshape [1] -> [1,1,1]', [1], (x) => w.reshape(x, [1, 1, 1])),
  one('reshape of a computed tensor [7] -> [7,1]', [7], (x) => w.reshape(w.neg(x), [7, 1])),
  one('reshape rank 8 -> rank 1', [1, 2, 1, 3, 1, 2, 1, 1], (x) => w.reshape(x, [-1])),
  one('flatten [2,3,4,5] axes 1..2', [2, 3, 4, 5], (x) => flatten(x, 1, 2)),
  one('unsqueeze/squeeze [3,5]', [3, 5], (x) => squeeze(w.exp(unsqueeze(unsqueeze(x, 0), -1)))),
  cplx('reshape [3,4] -> [2,6]', [3, 4], (x) => w.reshape(x, [2, 6])),
];

const permuteCases: OpCase[] = [
  one('permute identity [3,5]', [3, 5], (x) => w.permute(x, [0, 1])),
  one('permute rank 1 [7]', [7], (x) => w.permute(x, [0])),
  one('permute [2,3,5] -> [2,0,1]', [2, 3, 5], (x) => w.permute(x, [2, 0, 1])),
  one('permute rank 5 with a size-1 axis', [2, 3, 1, 5, 2], (x) => w.permute(x, [4, 2, 0, 3, 1])),
  one('permute rank 8 reversed', [2, 1, 3, 1, 2, 2, 1, 3], (x) =>
    w.permute(x, [7, 6, 5, 4, 3, 2, 1, 0]),
  ),
  one('transpose [3,4,5] last two', [3, 4, 5], (x) => w.transpose(x, -1, -2)),
  one('transpose [37,131] (many workgroups)', [37, 131], (x) => w.transpose(x, 0, 1)),
  one('permute then reshape (view of a copy)', [2, 3, 4], (x) =>
    w.reshape(w.permute(x, [1, 0, 2]), [6, 4]),
  ),
  cplx('permute [3,5,2] -> [2,0,1]', [3, 5, 2], (x) => w.permute(x, [2, 0, 1])),
  cplx('permute rank 8', [2, 1, 3, 1, 2, 2, 1, 3], (x) => w.permute(x, [1, 7, 0, 6, 2, 5, 3, 4])),
];

const broadcastCases: OpCase[] = [
  one('broadcast_to rank 1 -> rank 4', [4], (x) => w.broadcastTo(x, [2, 3, 5, 4])),
  one('broadcast_to [3,1,5] -> [2,3,7,5]', [3, 1, 5], (x) => w.broadcastTo(x, [2, 3, 7, 5])),
  one('broadcast_to [1] -> [13]', [1], (x) => w.broadcastTo(x, [13])),
  one('broadcast_to identity [3,4]', [3, 4], (x) => w.broadcastTo(x, [3, 4])),
  one('broadcast_to rank 8', [1, 2, 1, 1, 3, 1, 1, 2], (x) =>
    w.broadcastTo(x, [2, 2, 3, 1, 3, 2, 1, 2]),
  ),
  cplx('broadcast_to [1,3] -> [4,3]', [1, 3], (x) => w.broadcastTo(x, [4, 3])),
  cplx('broadcast_to [5] -> [2,3,5]', [5], (x) => w.broadcastTo(x, [2, 3, 5])),
];

const padCases: OpCase[] = [
  one('pad [5] by 2, 3', [5], (x) => w.pad(x, [2], [3])),
  one('pad of 0 [2,3,4]', [2, 3, 4], (x) => w.pad(x, [0, 0, 0], [0, 0, 0])),
  one('pad [2,3,5] mixed', [2, 3, 5], (x) => w.pad(x, [1, 0, 2], [0, 2, 3])),
  one('pad [1] by 1, 1', [1], (x) => w.pad(x, [1], [1])),
  one('pad rank 6', [2, 1, 3, 1, 2, 3], (x) => w.pad(x, [0, 1, 0, 2, 1, 0], [1, 0, 0, 1, 0, 2])),
  one('pad rank 8 last axis (domain padding)', [1, 2, 1, 2, 1, 2, 1, 5], (x) =>
    w.pad(x, [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 3]),
  ),
  cplx('pad [3,4]', [3, 4], (x) => w.pad(x, [1, 2], [2, 0])),
];

const sliceCases: OpCase[] = [
  one('slice full range [7]', [7], (x) => w.slice(x, 0, 0, 7)),
  one('slice one element [7]', [7], (x) => w.slice(x, 0, 3, 4)),
  one('slice [3,5,7] middle axis', [3, 5, 7], (x) => w.slice(x, 1, 1, 4)),
  one('slice [3,5,7] last axis, negative, first element', [3, 5, 7], (x) => w.slice(x, -1, 0, 1)),
  one('slice [13,11] first axis tail', [13, 11], (x) => w.slice(x, 0, 10, 13)),
  one('slice rank 8', [2, 1, 3, 1, 2, 5, 1, 3], (x) => w.slice(x, 5, 1, 4)),
  one('crop [5,9]', [5, 9], (x) => w.crop(x, [1, 2], [2, 3])),
  one('crop(pad(x)) round trip [2,3,6]', [2, 3, 6], (x) =>
    w.crop(w.exp(w.pad(x, [0, 1, 2], [0, 2, 3])), [0, 1, 2], [0, 2, 3]),
  ),
  cplx('slice [4,6] axis 1', [4, 6], (x) => w.slice(x, 1, 2, 5)),
  cplx('crop [5,4]', [5, 4], (x) => w.crop(x, [1, 0], [1, 1])),
];

const concatCases: OpCase[] = [
  one('concat of 1 input', [3, 4], (x) => w.concat([x], 0)),
  {
    name: 'concat 3 along first axis',
    inputs: [{ shape: [2, 3] }, { shape: [1, 3] }, { shape: [4, 3] }],
    fn: (a, b, c) => w.concat([a, b, c], 0),
  },
  {
    name: 'concat 3 along last axis',
    inputs: [{ shape: [2, 3, 1] }, { shape: [2, 3, 5] }, { shape: [2, 3, 2] }],
    fn: (a, b, c) => w.concat([a, b, c], -1),
  },
  {
    name: 'concat 3 along middle axis',
    inputs: [{ shape: [2, 1, 3] }, { shape: [2, 4, 3] }, { shape: [2, 2, 3] }],
    fn: (a, b, c) => w.concat([a, b, c], 1),
  },
  {
    name: 'concat rank 1',
    inputs: [{ shape: [7] }, { shape: [1] }],
    fn: (a, b) => w.concat([a, b], 0),
  },
  {
    name: 'concat rank 5',
    inputs: [{ shape: [2, 1, 3, 2, 2] }, { shape: [2, 1, 3, 3, 2] }],
    fn: (a, b) => w.concat([a, b], 3),
  },
  {
    name: 'concat one input without grad',
    inputs: [{ shape: [3, 2] }, { shape: [3, 5], grad: false }],
    fn: (a, b) => w.concat([a, b], 1),
  },
  one('concat the same tensor twice (gradients add)', [3, 5], (x) => w.concat([x, w.exp(x), x], 1)),
  {
    name: 'concat complex64 along middle axis',
    inputs: [
      { shape: [2, 3, 4], dtype: c64 },
      { shape: [2, 1, 4], dtype: c64 },
      { shape: [2, 2, 4], dtype: c64 },
    ],
    fn: (a, b, c) => w.concat([a, b, c], 1),
    skipGrad: true,
  },
];

opSuite('reshape', reshapeCases);
opSuite('permute', permuteCases);
opSuite('broadcast_to', broadcastCases);
opSuite('pad, slice, crop', padCases.concat(sliceCases));
opSuite('concat', concatCases);

async function withRuntime(body: (rt: w.Runtime) => Promise<void> | void): Promise<void> {
  const rt = await w.init();
  try {
    await body(rt);
  } finally {
    rt.destroy();
  }
}

describe('layout ops: dispatches', () => {
  it('reshape runs no kernel; concat runs one per input', () =>
    withRuntime(async (rt) => {
      const x = rt.tensor(new Float32Array(6), [2, 3]);
      const r = await rt.compile({ outputs: [w.reshape(w.neg(x), [3, 2])] });
      expect(r.dispatchCount).toBe(1);
      const c = await rt.compile({ outputs: [w.concat([x, x, x], 1)] });
      expect(c.dispatchCount).toBe(3);
    }));

  it('reshape shares storage and reads back the same values', () =>
    withRuntime(async (rt) => {
      const x = rt.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(Array.from(await w.reshape(w.neg(x), [3, 2]).read())).toEqual([
        -1, -2, -3, -4, -5, -6,
      ]);
      expect(Array.from(await w.transpose(x, 0, 1).read())).toEqual([1, 4, 2, 5, 3, 6]);
      expect(Array.from(await w.pad(w.slice(x, 1, 1, 2), [0, 1], [0, 0]).read())).toEqual([
        0, 2, 0, 5,
      ]);
    }));
});

describe('layout op errors', () => {
  it('name the op and the shapes', () =>
    withRuntime((rt) => {
      const x = rt.tensor(new Float32Array(24), [2, 3, 4]);
      const y = rt.tensor(new Float32Array(10), [2, 5]);
      expect(() => w.reshape(x, [5, 5])).toThrow(
        /reshape: cannot reshape \[2, 3, 4\] \(24 elements\) to \[5, 5\]/,
      );
      expect(() => w.reshape(x, [5, -1])).toThrow(
        /reshape: cannot reshape \[2, 3, 4\] \(24 elements\) to \[5, -1\]/,
      );
      expect(() => w.reshape(x, [-1, -1])).toThrow(/reshape: shape \[-1, -1\] has 2 entries of -1/);
      expect(() => w.reshape(x, [0, 24])).toThrow(/reshape: shape \[0, 24\] is invalid/);
      expect(() => w.permute(x, [0, 1])).toThrow(
        /permute: perm \[0, 1\] is not a permutation of the 3 axes/,
      );
      expect(() => w.permute(x, [0, 1, 1])).toThrow(
        /permute: perm \[0, 1, 1\] is not a permutation/,
      );
      expect(() => w.permute(x, [0, 1, 3])).toThrow(
        /permute: perm \[0, 1, 3\] is not a permutation/,
      );
      expect(() => w.transpose(x, 0, 3)).toThrow(/transpose: axis 3 is out of range for rank 3/);
      expect(() => w.broadcastTo(x, [3, 3, 4])).toThrow(
        /broadcast_to: cannot broadcast \[2, 3, 4\] to \[3, 3, 4\]/,
      );
      expect(() => w.broadcastTo(x, [3, 4])).toThrow(
        /broadcast_to: cannot broadcast \[2, 3, 4\] to \[3, 4\] \(the target has lower rank\)/,
      );
      expect(() => w.slice(x, 1, 2, 5)).toThrow(
        /slice: range 2\.\.5 along axis 1 of \[2, 3, 4\] is invalid; need integers 0 <= start < end <= 3/,
      );
      expect(() => w.slice(x, 2, 2, 2)).toThrow(
        /slice: range 2\.\.2 along axis 2 of \[2, 3, 4\] is invalid/,
      );
      expect(() => w.slice(x, 0, -1, 1)).toThrow(/slice: range -1\.\.1/);
      expect(() => w.slice(x, 3, 0, 1)).toThrow(/slice: axis 3 is out of range for rank 3/);
      expect(() => w.concat([x, y], 0)).toThrow(
        /concat: input 1 has shape \[2, 5\] but input 0 has \[2, 3, 4\]; shapes must match except along axis 0/,
      );
      const z = rt.tensor(new Float32Array(20), [2, 5, 2]);
      expect(() => w.concat([x, x, z], 2)).toThrow(
        /concat: input 2 has shape \[2, 5, 2\] but input 0 has \[2, 3, 4\]; shapes must match except along axis 2/,
      );
      const xc = rt.tensor(new Float32Array(48), [2, 3, 4], { dtype: 'complex64' });
      expect(() => w.concat([x, xc], 0)).toThrow(
        /concat: input 1 has dtype complex64 but input 0 has f32/,
      );
      expect(() => w.concat([], 0)).toThrow(/concat: needs at least one input/);
      expect(() => w.pad(x, [1, 1], [1, 1])).toThrow(
        /pad: before has 2 entries but the input \[2, 3, 4\] has rank 3/,
      );
      expect(() => w.pad(x, [1, 1, 1], [0, 0])).toThrow(
        /pad: after has 2 entries but the input \[2, 3, 4\] has rank 3/,
      );
      expect(() => w.pad(x, [0, -1, 0], [0, 0, 0])).toThrow(
        /pad: before\[1\] = -1 for input \[2, 3, 4\]; widths must be non-negative integers/,
      );
      expect(() => w.crop(x, [0, 2, 0], [0, 1, 0])).toThrow(
        /crop: cropping 2 \+ 1 from axis 1 of \[2, 3, 4\] leaves nothing/,
      );
      expect(() => squeeze(x, 1)).toThrow(/squeeze: axis 1 of \[2, 3, 4\] has size 3, not 1/);
    }));
});
