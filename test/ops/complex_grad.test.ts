// Gradients of complex64 add and sub (PyTorch's convention: the gradient of a real loss is
// dL/d re + i dL/d im). sub's VJP negates complex pairs and a broadcast add sums complex pairs,
// where neg and sum themselves are f32 only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, imag, init, mulScalar, real, sub, sum, type Runtime } from '../../src/index';

describe('complex64 add and sub gradients', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  const complexParam = (n: number, shape: number[]) =>
    rt.tensor(
      Float32Array.from({ length: 2 * n }, (_, i) => i / 7 - 1),
      shape,
      {
        dtype: 'complex64',
        requiresGrad: true,
      },
    );
  /** L = sum(re y) + 2 sum(im y), so dL/dy = 1 + 2i everywhere. */
  const loss = (y: ReturnType<typeof add>) => add(sum(real(y)), mulScalar(sum(imag(y)), 2));

  it('sub: a gets 1 + 2i, b gets -(1 + 2i)', async () => {
    const a = complexParam(6, [2, 3]);
    const b = complexParam(6, [2, 3]);
    const l = loss(sub(a, b));
    l.backward();
    await rt.evaluate([a.grad!, b.grad!]);
    const [ga, gb] = [await a.grad!.read(), await b.grad!.read()];
    expect(Array.from(ga)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 ? 2 : 1)));
    expect(Array.from(gb)).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 ? -2 : -1)));
  });

  it('broadcast add: the [4] operand sums its three rows, 3 (1 + 2i)', async () => {
    const a = complexParam(12, [3, 4]);
    const b = complexParam(4, [4]);
    loss(add(a, b)).backward();
    await rt.evaluate([b.grad!]);
    const gb = await b.grad!.read();
    expect(Array.from(gb)).toEqual(Array.from({ length: 8 }, (_, i) => (i % 2 ? 6 : 3)));
  });
});
