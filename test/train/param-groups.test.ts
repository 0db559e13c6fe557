/**
 * Parameter groups with their own learning rates (PyTorch's [{ params, lr }]) and freezing
 * (Module.freeze), on SGD / Adam steps checked against float64 references.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import { add, mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { square } from '../../src/ops/unary';
import { Adam, SGD, StepLR } from '../../src/train/optim';
import { FNN } from '../../src/nn/fnn';
import { Rng } from '../../src/random';
import { expectWgnoError } from '../util/errors';

describe('parameter groups and freezing', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  /** loss = sum(c_i * p_i): the gradient of p_i is the constant c_i. */
  function linearLoss(ps: Tensor[], cs: Float32Array[]): Tensor {
    return ps.map((p, i) => sum(mul(p, rt.tensor(cs[i], p.shape)))).reduce((a, b) => add(a, b));
  }

  it('SGD: each group steps with its own lr, and lr changes move every group in proportion', async () => {
    const rng = new Rng(1);
    const p0 = [rng.normals(5), rng.normals(3), rng.normals(2)];
    const cs = [rng.normals(5), rng.normals(3), rng.normals(2)];
    const ps = p0.map((d) => rt.tensor(d, [d.length], { requiresGrad: true }));
    const loss = linearLoss(ps, cs);
    loss.backward();
    const opt = new SGD(
      [
        { params: [ps[0]] },
        {
          params: [
            ['head', ps[1]],
            ['bias', ps[2]],
          ],
          lr: 0.01,
        },
      ],
      { lr: 0.1 },
    );
    expect([opt.groupCount, opt.groupLr(0), opt.groupLr(1)]).toEqual([2, 0.1, 0.01]);
    expect(opt.names).toEqual(['param0', 'head', 'bias']);
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    const step = await rt.compile({ outputs: [loss], updates: [opt] });
    const lrs: number[][] = [];
    for (let t = 0; t < 3; t++) {
      lrs.push([opt.groupLr(0), opt.groupLr(1)]);
      step.run();
      sched.step();
    }
    const total = lrs.reduce((a, [l0, l1]) => [a[0] + l0, a[1] + l1], [0, 0]);
    expect(total[0]).toBeCloseTo(0.1 * 1.75, 12);
    expect(total[1]).toBeCloseTo(0.01 * 1.75, 12);
    for (let i = 0; i < 3; i++) {
      const got = await ps[i].read();
      const lr = total[i === 0 ? 0 : 1];
      got.forEach((v, k) => expect(v).toBeCloseTo(p0[i][k] - lr * cs[i][k], 5));
    }
    opt.setGroupLr(1, 0.2);
    expect(opt.groupLr(1)).toBeCloseTo(0.2, 12);
    opt.lr /= 2;
    expect(opt.groupLr(1)).toBeCloseTo(0.1, 12);
    step.destroy();
  });

  it('Adam: a group with lr 0 never moves', async () => {
    const rng = new Rng(2);
    const [a0, b0] = [rng.normals(4), rng.normals(4)];
    const [a, b] = [a0, b0].map((d) => rt.tensor(d, [4], { requiresGrad: true }));
    const loss = sum(square(add(a, b)));
    loss.backward();
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0 }], { lr: 0.05 });
    const step = await rt.compile({ outputs: [loss], updates: [opt] });
    for (let t = 0; t < 3; t++) step.run();
    expect([...(await b.read())]).toEqual([...b0]);
    expect([...(await a.read())]).not.toEqual([...a0]);
    step.destroy();
  });

  it('rejects bad groups', () => {
    const p = rt.tensor([1, 2], [2], { requiresGrad: true });
    expectWgnoError(
      () => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }),
      'SGD',
      /parameter 'param1' is given twice/,
    );
    expectWgnoError(
      () => new Adam([{ params: [p], lr: -1 }]),
      'Adam',
      /group 0 lr must be >= 0, got -1/,
    );
    expectWgnoError(() => new SGD([{ params: [p], lr: 0.1 }], { lr: 0 }), 'SGD', /give lr > 0/);
    expectWgnoError(() => new SGD([p], { lr: 0.1 }).groupLr(1), 'SGD', /group 1 does not exist/);
  });

  it('freeze: no gradient, no update; the trainable parameters keep learning', async () => {
    const net = new FNN(rt, { layerSizes: [2, 6, 1], activation: 'tanh', seed: 3 });
    const x = rt.tensor(new Rng(4).normals(10), [5, 2]);
    const before = await net.stateDict();
    // An optimizer over every parameter, then the first layer frozen: PyTorch skips a
    // parameter without gradient; so does ours.
    const opt = new Adam(net.namedParameters(), { lr: 0.05 });
    expect(net.freeze('linears.0')).toEqual(['linears.0.weight', 'linears.0.bias']);
    expect(net.trainableParameters().map(([n]) => n)).toEqual([
      'linears.1.weight',
      'linears.1.bias',
    ]);
    const loss = sum(square(net.forward(x)));
    loss.backward();
    const step = await rt.compile({ outputs: [loss], updates: [opt] });
    for (let t = 0; t < 3; t++) step.run();
    const after = await net.stateDict();
    for (const [name, h] of after) {
      const same = h.data.every((v, i) => v === before.get(name)!.data[i]);
      expect(same, name).toBe(name.startsWith('linears.0'));
    }
    expect(opt.stateTensors().map(([n]) => n)).toEqual([
      'linears.1.weight.exp_avg',
      'linears.1.weight.exp_avg_sq',
      'linears.1.bias.exp_avg',
      'linears.1.bias.exp_avg_sq',
    ]);
    expect(net.unfreeze()).toHaveLength(4);
    expect(net.trainableParameters()).toHaveLength(4);
    expectWgnoError(
      () => net.freeze('branch'),
      'freeze',
      /no parameter under 'branch'; names start with linears/,
    );
    step.destroy();
  });
});
