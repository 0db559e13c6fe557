/**
 * GPU optimizers vs float64 references of torch.optim's update rules, on the loss
 * 0.5 * sum((p - t)^2) whose gradient is p - t, over several steps with a changing lr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  add,
  SGD,
  StepLR,
  init,
  mulScalar,
  square,
  sub,
  sum,
  type Optimizer,
  type Runtime,
  type Tensor,
} from '../../src/index';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';

type RefStep = (
  p: Float64Array,
  g: Float64Array,
  state: Float64Array[],
  t: number,
  lr: number,
) => void;

function adamRef(b1: number, b2: number, eps: number, wd: number, decoupled: boolean): RefStep {
  return (p, g, [m, v], t, lr) => {
    for (let i = 0; i < p.length; i++) {
      let gi = g[i];
      if (decoupled) p[i] *= 1 - lr * wd;
      else gi += wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] -= (lr / (1 - b1 ** t)) * (m[i] / denom);
    }
  };
}

function sgdRef(mom: number, wd: number, nesterov: boolean): RefStep {
  return (p, g, [buf], t, lr) => {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + wd * p[i];
      buf[i] = t === 1 ? d : mom * buf[i] + d;
      p[i] -= lr * (nesterov ? d + mom * buf[i] : buf[i]);
    }
  };
}

describe('GPU optimizers match torch.optim update rules', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  const cases: [string, (p: Tensor[]) => Optimizer, RefStep, number][] = [
    ['Adam', (p) => new Adam(p, { lr: 0.1 }), adamRef(0.9, 0.999, 1e-8, 0, false), 2],
    [
      'Adam with weight decay',
      (p) => new Adam(p, { lr: 0.05, betas: [0.8, 0.99], weightDecay: 0.1 }),
      adamRef(0.8, 0.99, 1e-8, 0.1, false),
      2,
    ],
    ['AdamW', (p) => new AdamW(p, { lr: 0.05 }), adamRef(0.9, 0.999, 1e-8, 0.01, true), 2],
    ['SGD', (p) => new SGD(p, { lr: 0.1 }), sgdRef(0, 0, false), 1],
    [
      'SGD momentum + wd',
      (p) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }),
      sgdRef(0.9, 0.01, false),
      1,
    ],
    [
      'SGD Nesterov',
      (p) => new SGD(p, { lr: 0.1, momentum: 0.5, nesterov: true }),
      sgdRef(0.5, 0, true),
      1,
    ],
  ];

  for (const [name, make, ref, nState] of cases) {
    it(name, async () => {
      const rng = new Rng(3);
      const shapes = [[7], [3, 5]];
      const p0 = shapes.map((s) => rng.normals(s.reduce((a, b) => a * b, 1)));
      const tg = shapes.map((s) => rng.normals(s.reduce((a, b) => a * b, 1)));
      const params = shapes.map((s, i) => rt.tensor(p0[i], s, { requiresGrad: true }));
      const targets = shapes.map((s, i) => rt.tensor(tg[i], s));
      const loss = params
        .map((p, i) => mulScalar(sum(square(sub(p, targets[i]))), 0.5))
        .reduce((a, b) => add(a, b));
      loss.backward();
      const opt = make(params);
      const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
      const step = await rt.compile({ outputs: [loss], updates: [opt] });
      const lr0 = opt.lr;
      const pr = p0.map((a) => Float64Array.from(a));
      const st = pr.map((a) => Array.from({ length: nState }, () => new Float64Array(a.length)));
      for (let t = 1; t <= 5; t++) {
        const lr = opt.lr;
        step.run();
        pr.forEach((p, i) =>
          ref(
            p,
            p.map((v, k) => v - tg[i][k]),
            st[i],
            t,
            lr,
          ),
        );
        sched.step();
      }
      expect(opt.lr).toBeCloseTo(lr0 * 0.25, 12); // StepLR: 5 epochs, step size 2, gamma 0.5
      for (let i = 0; i < params.length; i++) {
        expect(relL2(await params[i].read(), pr[i]), `${name} param ${i}`).toBeLessThan(1e-5);
      }
    });
  }

  it('rejects bad hyper-parameters and parameters without gradients', () => {
    const p = rt.tensor([1, 2], [2], { requiresGrad: true });
    const c = rt.tensor([1, 2], [2]);
    expect(() => new Adam([p], { lr: NaN })).toThrow(/Adam: lr must be a finite number, got NaN/);
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow(
      /Adam: betas\[1\] must be in \[0, 1\), got 1/,
    );
    expect(() => new SGD([c], { lr: 0.1 })).toThrow(
      /SGD: parameter 'param0' \[2\] must be a leaf with requiresGrad: true/,
    );
    expect(() => new StepLR(new SGD([p], { lr: 1 }), { stepSize: 0 })).toThrow(
      /StepLR: stepSize must be an integer >= 1/,
    );
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(
      /SGD: nesterov needs a momentum > 0, got momentum 0/,
    );
    const fresh = rt.tensor([1, 2], [2], { requiresGrad: true });
    expect(() => new Adam([fresh]).updates()).toThrow(
      /Adam: parameter 'param0' \[2\] has no gradient/,
    );
  });

  it('SGD without momentum keeps no state: no buffer made, bound or saved', async () => {
    const p = rt.tensor([1, 2, 3], [3], { requiresGrad: true });
    const loss = sum(square(p));
    loss.backward();
    const plain = new SGD([p], { lr: 0.1 });
    const before = rt.stats.buffersCreated;
    const updates = plain.updates();
    expect(rt.stats.buffersCreated).toBe(before);
    expect(updates[0].bindings.length).toBe(2);
    expect(plain.stateTensors()).toEqual([]);
    expect((await plain.stateDict()).size).toBe(0);
    const step = await rt.compile({ outputs: [loss], updates: [plain] });
    step.run();
    expect([...(await p.read())]).toEqual([0.8, 1.6, 2.4].map(Math.fround)); // p - 0.1 * 2p
    const heavy = new SGD([p], { lr: 0.1, momentum: 0.9 });
    heavy.updates();
    expect(heavy.stateTensors().map(([n]) => n)).toEqual(['param0.momentum_buffer']);
  });
});
