import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulateUpdate, assignUpdate } from '../../src/graph/in_place';
import { conj, init, mul, type Runtime } from '../../src/index';
import { expectWgnoError } from '../util/errors';

// The in-place updates a step runs after its graph (the trainer's loss sum, a solver's state).
describe('in-place updates', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('accumulateUpdate adds the value on every run; assignUpdate overwrites', async () => {
    const x = rt.tensor([1, -2, 3], [3]);
    const y = mul(x, x);
    const acc = rt.tensor([10, 20, 30], [3]);
    const state = rt.tensor([0, 0, 0], [3]);
    const step = await rt.compile({
      outputs: [y],
      updates: [accumulateUpdate(acc, y), assignUpdate(state, y)],
    });
    step.run();
    step.run();
    expect(Array.from(await acc.read())).toEqual([12, 28, 48]);
    expect(Array.from(await state.read())).toEqual([1, 4, 9]);
    step.destroy();
  });

  it('complex64 targets update both parts', async () => {
    const z = rt.tensor([1, 2, 3, 4], [2], { dtype: 'complex64' });
    const acc = rt.tensor([0.5, 0.5, 0.5, 0.5], [2], { dtype: 'complex64' });
    const step = await rt.compile({ outputs: [conj(z)], updates: [accumulateUpdate(acc, z)] });
    step.run();
    expect(Array.from(await acc.read())).toEqual([1.5, 2.5, 3.5, 4.5]);
    step.destroy();
  });

  it('names the update and both shapes when sizes or dtypes differ', () => {
    const a = rt.tensor([0, 0, 0], [3]);
    expectWgnoError(
      () => assignUpdate(a, rt.tensor([1, 2], [2])),
      'assign',
      /target f32 \[3\] and value f32 \[2\] must have the same size and dtype/,
    );
    expectWgnoError(
      () => accumulateUpdate(a, rt.tensor([1, 2, 3, 4, 5, 6], [3], { dtype: 'complex64' })),
      'accumulate',
      /target f32 \[3\] and value complex64 \[3\]/,
    );
  });
});
