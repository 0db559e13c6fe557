import { describe, expect, it } from 'vitest';
import { init } from '../../src/index';
import { silu, swiglu } from '../../src/ops/swiglu';
import { opSuite, type OpCase } from './harness';

const cases: OpCase[] = [
  { name: 'swiglu [1]', inputs: [{ shape: [1] }, { shape: [1] }], fn: swiglu },
  { name: 'swiglu [3, 7]', inputs: [{ shape: [3, 7] }, { shape: [3, 7] }], fn: swiglu },
  { name: 'swiglu broadcast b [7]', inputs: [{ shape: [2, 3, 7] }, { shape: [7] }], fn: swiglu },
  { name: 'silu [13]', inputs: [{ shape: [13] }], fn: silu },
];

opSuite('swiglu', cases);

describe('swiglu: values', () => {
  it('silu(a) * b at known points, finite deep in both tails', async () => {
    const rt = await init();
    try {
      const a = rt.tensor([0, 1, -1, 100, -100], [5]);
      const b = rt.tensor([2, 2, 2, 1, 1], [5]);
      const got = Array.from(await swiglu(a, b).read());
      const want = [0, 2 / (1 + Math.exp(-1)), -2 / (1 + Math.exp(1)), 100, 0];
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    } finally {
      rt.destroy();
    }
  });
});
