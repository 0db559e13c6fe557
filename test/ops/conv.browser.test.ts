import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { apply } from '../../src/graph/apply';
import { conv2d, convTranspose2d } from '../../src/ops/conv';
import type { PadMode } from '../../src/ops/conv_reference';
import { opSuite, type OpCase } from './harness';

/** [x shape, weight shape, stride, padding]: conv2d's table, every padding mode x stride. */
const convs: [number[], number[], 1 | 2, PadMode][] = [];
const shapes: [number[], number[]][] = [
  [
    [2, 3, 5, 6],
    [4, 3, 3, 3],
  ], // odd x even, Cin != Cout
  [
    [1, 2, 7, 4],
    [3, 2, 3, 3],
  ], // B 1, non-square
  [
    [1, 1, 2, 2],
    [2, 1, 3, 3],
  ], // H = W = 2 (reflect's smallest)
];
for (const [x, wt] of shapes)
  for (const stride of [1, 2] as const)
    for (const mode of ['zeros', 'circular', 'reflect'] as const) convs.push([x, wt, stride, mode]);
convs.push(
  [[1, 2, 1, 1], [3, 2, 3, 3], 1, 'zeros'], // H = W = 1
  [[2, 1, 1, 1], [2, 1, 3, 3], 2, 'circular'], // H = W = 1: every halo cell is the one entry
  [[1, 3, 1, 3], [2, 3, 3, 3], 1, 'circular'], // H = 1, W = 3
  [[2, 5, 4, 3], [2, 5, 1, 1], 1, 'zeros'], // k = 1: a channel mixing
  [[1, 2, 5, 4], [3, 2, 1, 1], 2, 'reflect'], // k = 1 strided: a subsampling
  [[1, 2, 6, 7], [2, 2, 5, 5], 1, 'reflect'], // k = 5, pad 2
  [[1, 2, 4, 5], [1, 2, 5, 5], 2, 'circular'],
  [[1, 6, 9, 8], [5, 6, 3, 3], 2, 'reflect'], // channels past one block of 4
  // Past one 16 x 16 workgroup tile (partial tiles), 8 output channels and one staged chunk.
  [[2, 5, 19, 17], [9, 5, 3, 3], 1, 'circular'],
  [[1, 3, 35, 33], [10, 3, 3, 3], 2, 'reflect'],
  [[1, 4, 18, 20], [3, 4, 7, 7], 2, 'zeros'],
);

const cases: OpCase[] = convs.map(([x, wt, stride, padding]) => ({
  name: `conv2d x ${JSON.stringify(x)} w ${JSON.stringify(wt)} stride ${stride} ${padding}`,
  inputs: [{ shape: x }, { shape: wt }],
  fn: (a, b) => conv2d(a, b, { stride, padding }),
}));

/** [x shape, weight shape [Cin, Cout, k, k], stride, padding]: PyTorch's ConvTranspose2d. */
const transposed: [number[], number[], number, number][] = [
  [[2, 3, 4, 5], [3, 2, 4, 4], 2, 1], // the multigrid prolongation: doubles H and W
  [[1, 2, 1, 1], [2, 5, 4, 4], 2, 1], // H = W = 1 -> 2 x 2
  [[1, 1, 3, 2], [1, 1, 4, 4], 2, 1],
  [[1, 5, 3, 3], [5, 6, 4, 4], 2, 1], // channels past one block of 4
  [[2, 2, 3, 4], [2, 3, 3, 3], 1, 1], // the adjoint of a same conv
  [[1, 2, 2, 3], [2, 2, 3, 3], 2, 0], // stride 2, no crop: (H - 1) * 2 + 3
  [[2, 3, 9, 10], [3, 9, 4, 4], 2, 1], // its VJP's stride-2 conv spans two tiles
];
for (const [x, wt, stride, padding] of transposed)
  cases.push({
    name: `convTranspose2d x ${JSON.stringify(x)} w ${JSON.stringify(wt)} stride ${stride} padding ${padding}`,
    inputs: [{ shape: x }, { shape: wt }],
    fn: (a, b) => convTranspose2d(a, b, { stride, padding }),
  });

// The adjoints on their own, on circular and reflect halos: the ops conv2d's VJP records.
const geometry = (mode: PadMode, stride: number) => ({ k: 3, stride, pad: 1, mode });
for (const mode of ['circular', 'reflect'] as const)
  for (const stride of [1, 2]) {
    const [h, wd] = [5, 4];
    const out = [Math.floor((h - 1) / stride) + 1, Math.floor((wd - 1) / stride) + 1];
    cases.push(
      {
        name: `conv_transpose2d ${mode} stride ${stride}: y [2, 3, ${out}] -> x [2, 2, ${h}, ${wd}]`,
        inputs: [{ shape: [2, 3, ...out] }, { shape: [3, 2, 3, 3] }],
        fn: (y, k) =>
          apply('conv_transpose2d', [y, k], { ...geometry(mode, stride), outH: h, outW: wd }),
      },
      {
        name: `conv2d_weight_grad ${mode} stride ${stride}: x [2, 2, ${h}, ${wd}]`,
        inputs: [{ shape: [2, 2, h, wd] }, { shape: [2, 3, ...out] }],
        fn: (x, y) => apply('conv2d_weight_grad', [x, y], geometry(mode, stride)),
      },
    );
  }

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`conv ops (${kernels})`, cases, { kernels });

describe('conv errors', () => {
  it('name the op, the argument, the shapes and what is valid', async () => {
    const rt = await w.init();
    try {
      const t = (...shape: number[]) => rt.zeros(shape);
      const x = t(2, 3, 8, 8);
      expect(() => conv2d(t(3, 8, 8), t(4, 3, 3, 3))).toThrow(
        /conv2d: x \[3, 8, 8\] f32 must be f32 \[B, Cin, H, W\]/,
      );
      expect(() => conv2d(x, t(4, 2, 3, 3))).toThrow(
        /conv2d: x \[2, 3, 8, 8\] has 3 channels but weight \[4, 2, 3, 3\] expects Cin = 2/,
      );
      expect(() => conv2d(x, t(4, 3, 4, 4))).toThrow(
        /conv2d: weight \[4, 3, 4, 4\]: kernel size not supported; .* k = 1, 3, 5 or 7/,
      );
      expect(() => conv2d(x, t(4, 3, 3, 1))).toThrow(/kernel size not supported/);
      expect(() => conv2d(t(1, 3, 1, 8), t(4, 3, 3, 3), { padding: 'reflect' })).toThrow(
        /conv2d: reflect padding of 1 needs H and W > 1, got 1 x 8; use 'zeros' or 'circular'/,
      );
      expect(() => conv2d(x, t(4, 3, 3, 3), { stride: 3 })).toThrow(
        /conv2d: stride 3 is not supported; use 1 or 2/,
      );
      expect(() => conv2d(x, t(4, 3, 3, 3), { padding: 'replicate' as PadMode })).toThrow(
        /conv2d: padding 'replicate' is not one of 'zeros', 'circular', 'reflect'/,
      );
      expect(() => convTranspose2d(x, t(2, 3, 4, 4))).toThrow(
        /conv_transpose2d: x \[2, 3, 8, 8\] has 3 channels but weight \[2, 3, 4, 4\] expects 2; weight must be \[Cin, Cout, k, k\]/,
      );
      expect(() => convTranspose2d(x, t(3, 3, 4, 4), { padding: 4 })).toThrow(
        /conv_transpose2d: padding 4 must be an integer from 0 to k - 1 = 3/,
      );
      expect(() => convTranspose2d(x, t(3, 3, 4, 4), { stride: 0 })).toThrow(
        /conv_transpose2d: stride 0 must be an integer from 1 to 8/,
      );
      expect(convTranspose2d(x, t(3, 5, 4, 4)).shape).toEqual([2, 5, 16, 16]);
      expect(conv2d(t(1, 3, 7, 8), t(4, 3, 3, 3), { stride: 2 }).shape).toEqual([1, 4, 4, 4]);
    } finally {
      rt.destroy();
    }
  });
});
