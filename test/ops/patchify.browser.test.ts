import { describe, expect, it } from 'vitest';
import { init } from '../../src/index';
import { patchify, unpatchify } from '../../src/ops/patchify';
import { opSuite, type OpCase } from './harness';

const grids: [number[], number][] = [
  [[1, 4, 6, 3], 2],
  [[2, 6, 3, 1], 3],
  [[1, 5, 7, 2], 1], // p = 1: tokens unchanged
  [[1, 2, 2, 5], 2], // one patch
];
const cases: OpCase[] = grids.flatMap(([shape, p]) => [
  {
    name: `patchify ${JSON.stringify(shape)} p=${p}`,
    inputs: [{ shape }],
    fn: (x) => patchify(x, p),
  },
  {
    name: `unpatchify to ${JSON.stringify(shape)} p=${p}`,
    inputs: [{ shape: [shape[0], (shape[1] / p) * (shape[2] / p), p * p * shape[3]] }],
    fn: (y) => unpatchify(y, p, [shape[1], shape[2]]),
  },
]);

opSuite('patchify', cases);

describe('patchify: GAOT layout, round trip and errors', () => {
  it("orders patches row-major and features (row, column, channel), as GAOT's view/permute", async () => {
    const rt = await init();
    try {
      // x[b, h, w, c] = 1000 b + 100 h + 10 w + c on a [2, 4, 4, 2] grid, p = 2.
      const [B, H, W, C, p] = [2, 4, 4, 2, 2];
      const data = Array.from({ length: B * H * W * C }, (_, i) => {
        const [b, h, w, c] = [
          Math.floor(i / 32),
          Math.floor(i / 8) % 4,
          Math.floor(i / 2) % 4,
          i % 2,
        ];
        return 1000 * b + 100 * h + 10 * w + c;
      });
      const x = rt.tensor(data, [B, H, W, C]);
      const y = patchify(x, p);
      expect(y.shape).toEqual([2, 4, 8]);
      const got = await y.read();
      for (let b = 0; b < B; b++)
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++)
            for (let u = 0; u < p; u++)
              for (let v = 0; v < p; v++)
                for (let c = 0; c < C; c++) {
                  const at = (b * 4 + i * 2 + j) * 8 + (u * p + v) * C + c;
                  expect(got[at]).toBe(1000 * b + 100 * (i * p + u) + 10 * (j * p + v) + c);
                }
      expect(Array.from(await unpatchify(y, p, [H, W]).read())).toEqual(data);
      expect(() => patchify(x, 3)).toThrow(
        /patchify: patch size 3 must be a positive integer dividing the grid 4 x 4 \(x \[2, 4, 4, 2\]\)/,
      );
      expect(() => unpatchify(y, 2, [4, 6])).toThrow(
        /unpatchify: y \[2, 4, 8\] must be \[B, 6, p \* p \* C\] for 2 x 2 patches of a 4 x 6 grid/,
      );
      expect(() => patchify(rt.tensor([1, 2], [2]), 1)).toThrow(
        /must be a token grid \[B, H, W, C\]/,
      );
    } finally {
      rt.destroy();
    }
  });
});
