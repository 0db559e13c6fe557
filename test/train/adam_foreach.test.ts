/**
 * Adam's foreach path (several parameters per dispatch, kernels/adam.wgsl `pair` / `triple`)
 * against one dispatch per parameter: the same bits after several steps, with parameter groups
 * of different learning rates, Adam's L2 decay and AdamW's decoupled decay, a frozen parameter,
 * and fewer dispatches. The per-parameter path is checked against float64 references in
 * optim.browser.test.ts and param-groups.test.ts (which now run foreach by default).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { add, mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { square, tanh } from '../../src/ops/unary';
import { reshape } from '../../src/ops/layout';
import { Adam, AdamW, type AdamOptions } from '../../src/train/optim';
import { Rng } from '../../src/random';

const SIZES = [5, 1, 300, 1000, 7, 64, 513];

describe('Adam foreach', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  /** Trains fresh copies of the same parameters for 3 steps; returns them and the step's dispatches. */
  async function train(Opt: typeof Adam, opts: AdamOptions, frozen: number) {
    const rng = new Rng(5);
    const ps = SIZES.map((n) => rt.tensor(rng.normals(n), [n], { requiresGrad: true }));
    const cs = SIZES.map((n) => rt.tensor(rng.normals(n), [n]));
    // A loss whose gradients change from step to step: sum(c * tanh(p)^2) + sum(p * c).
    const loss = ps
      .map((p, i) => add(sum(mul(cs[i], square(tanh(p)))), sum(mul(p, cs[i]))))
      .reduce((a, b) => add(a, b));
    loss.backward();
    const groups = [{ params: ps.slice(0, 1) }, { params: ps.slice(1), lr: 0.003 }];
    const opt = new Opt(groups, { lr: 0.05, ...opts });
    ps[frozen].requiresGrad = false; // frozen after the optimizer was made (Module.freeze)
    const step = await rt.compile({ outputs: [loss], updates: [opt] });
    for (let t = 0; t < 3; t++) step.run();
    const values = await Promise.all(ps.map((p) => p.read()));
    const count = step.dispatchCount;
    step.destroy();
    return { values, count };
  }

  /** A parameter whose gradient is a view of another parameter: grad p0 = reshape(seed = p1). */
  async function trainLeafGrad(foreach: boolean) {
    const p0 = rt.tensor([1, -2, 3, 0.5], [4], { requiresGrad: true });
    const p1 = rt.tensor([0.3, 0.7, -0.2, 1.5], [2, 2], { requiresGrad: true });
    const y = add(reshape(p0, [2, 2]), square(p1));
    y.backward(p1);
    const step = await rt.compile({ outputs: [y], updates: [new Adam([p0, p1], { foreach })] });
    for (let t = 0; t < 2; t++) step.run();
    const out = [await p0.read(), await p1.read()];
    step.destroy();
    return out;
  }

  it('a gradient that is a view of a parameter is updated in a dispatch of its own', async () => {
    // In one dispatch p1 would be bound writable (its update) and read-only (p0's gradient).
    const many = await trainLeafGrad(true);
    expect(many).toEqual(await trainLeafGrad(false));
  });

  for (const [name, Opt, opts] of [
    ['Adam with L2 decay', Adam, { weightDecay: 0.1 }],
    ['AdamW', AdamW, {}],
  ] as const)
    it(`${name}: the same bits as one dispatch per parameter, in fewer dispatches`, async () => {
      const frozen = 4;
      const one = await train(Opt, { ...opts, foreach: false }, frozen);
      const many = await train(Opt, { ...opts, foreach: true }, frozen);
      many.values.forEach((v, i) => expect(v, `parameter ${i}`).toEqual(one.values[i]));
      // The frozen parameter kept its values; the others moved.
      const rng = new Rng(5);
      const start = SIZES.map((n) => rng.normals(n));
      expect(many.values[frozen]).toEqual(start[frozen]);
      expect(many.values[0]).not.toEqual(start[0]);
      const live = SIZES.length - 1;
      const per = Math.min(3, Math.floor(rt.device.limits.maxStorageBuffersPerShaderStage / 4));
      expect(one.count - many.count).toBe(live - Math.ceil(live / per));
    });
});
