/**
 * Long contractions are split into chunks (src/ops/split_long.ts): the graph has the two stages,
 * and the value equals the float64 product (the op suites check values and gradients too).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Rng, init, matmul, sum, type Runtime } from '../../src/index';
import { relL2 } from '../util/compare';

let rt: Runtime;
beforeAll(async () => {
  rt = await init();
});
afterAll(() => rt?.destroy());

it('splits a^T b over 9000 rows into 9 chunks, then sums them; short ones are left alone', async () => {
  const rng = new Rng(1);
  const [a, b] = [rng.normals(9000 * 3), rng.normals(9000 * 2)];
  const y = matmul(rt.tensor(a, [9000, 3]), rt.tensor(b, [9000, 2]), { transA: true });
  expect(y.op).toBe('sum');
  expect(y.inputs[0].op).toBe('matmul');
  expect(y.inputs[0].shape).toEqual([9, 3, 2]);
  const want = new Float64Array(6);
  for (let e = 0; e < 9000; e++)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 2; j++) want[i * 2 + j] += a[e * 3 + i] * b[e * 2 + j];
  expect(relL2(await y.read(), want)).toBeLessThan(1e-5);

  const short = matmul(
    rt.tensor(a.subarray(0, 300), [100, 3]),
    rt.tensor(b.subarray(0, 200), [100, 2]),
    {
      transA: true,
    },
  );
  expect(short.op).toBe('matmul');
  const col = sum(rt.tensor(a, [9000, 3]), 0);
  expect([col.op, col.inputs[0].op, col.inputs[0].shape]).toEqual(['sum', 'sum', [9, 3]]);
});
