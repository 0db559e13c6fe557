/**
 * Physics-informed DeepONet on the forced pendulum theta'' + sin(theta) = v(t), theta(0) =
 * theta'(0) = 0, at CI scale: no solution data in training, only the residual of the ODE at
 * collocation points, its theta'' taken by second-order autodiff (grad of grad) w.r.t. the
 * trunk's input. theta = t^2 net(v, t) satisfies both initial conditions exactly (an output
 * transform, as DeepXDE's examples use). Scored against RK4 on held-out forcings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { grad } from '../../src/graph/autodiff';
import { DeepONet } from '../../src/models/deeponet';
import { pendulumData, pendulumRk4, type PendulumData } from '../../src/pde/pendulum';
import { add, mul, sub } from '../../src/ops/binary';
import { mean, sum } from '../../src/ops/reduce';
import { sin, square } from '../../src/ops/unary';
import { Adam } from '../../src/train/optim';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';

/** Aligned rows (function b, time i): the branch input v_b, the time t_i, v_b(t_i). */
function rows(d: PendulumData, count: number) {
  const m = d.t.length;
  const xf = new Float32Array(count * m * m);
  for (let b = 0; b < count; b++)
    for (let i = 0; i < m; i++) xf.set(d.v.subarray(b * m, (b + 1) * m), (b * m + i) * m);
  const t = new Float32Array(count * m).map((_, r) => d.t[r % m]);
  return { xf, t, v: d.v, n: count * m };
}

describe('physics-informed DeepONet: forced pendulum (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  it("RK4 reference: exact theta = t^3 recovered, and theta'' + sin(theta) = v on GRF data", () => {
    // theta = t^3 starts at rest and needs v = 6 t + sin(t^3).
    const n = 201;
    const v = Array.from({ length: n }, (_, i) => 6 * (i / (n - 1)) + Math.sin((i / (n - 1)) ** 3));
    const th = pendulumRk4(v, 1 / (n - 1));
    const exact = th.map((_, s) => ((2 * s) / (n - 1)) ** 3);
    expect(relL2(th, exact)).toBeLessThan(1e-9);
    const { t, v: vs, theta } = pendulumData(new Rng(0), { count: 1, sensors: 41 });
    const h = t[1] - t[0];
    const [res, vi] = [[] as number[], [] as number[]];
    for (let i = 1; i < 40; i++) {
      res.push((theta[i + 1] - 2 * theta[i] + theta[i - 1]) / (h * h) + Math.sin(theta[i]));
      vi.push(vs[i]);
    }
    expect(relL2(res, vi)).toBeLessThan(2e-2); // the O(h^2) error of the difference quotient
    expect(() => pendulumRk4([0, 1], 0.1)).toThrow(/odd number >= 3/);
  });

  it('learns from the ODE residual alone', async () => {
    const m = 12;
    const train = rows(pendulumData(new Rng(1), { count: 32, sensors: m }), 32);
    const net = new DeepONet(rt, {
      branch: [m, 24, 24],
      trunk: [1, 24, 24],
      activation: 'tanh',
      seed: 2,
    });
    const xf = rt.tensor(train.xf, [train.n, m]);
    const t = rt.tensor(train.t, [train.n, 1], { requiresGrad: true });
    const theta = mul(square(t), net.forward(xf, t));
    const [thT] = grad(sum(theta), [t]);
    const [thTT] = grad(sum(thT), [t]);
    const residual = sub(add(thTT, sin(theta)), rt.tensor(train.v, [train.n, 1]));
    const loss = mean(square(residual));
    loss.backward();
    const opt = new Adam(net.namedParameters(), { lr: 5e-3 });
    const step = await rt.compile({ outputs: [loss], updates: [opt] });
    step.run();
    const first = (await loss.read())[0];
    const start = performance.now();
    for (let i = 1; i < 300; i++) step.run();
    const last = (await loss.read())[0];
    const seconds = (performance.now() - start) / 1000;

    const testData = pendulumData(new Rng(9), { count: 8, sensors: m });
    const test = rows(testData, 8);
    const tt = rt.tensor(test.t, [test.n, 1]);
    const pred = await mul(square(tt), net.forward(rt.tensor(test.xf, [test.n, m]), tt)).read();
    const err = relL2(pred, testData.theta);
    if (process.env.WGNO_PRINT_ERRORS) console.log({ first, last, err, seconds });
    expect(last).toBeLessThan(first / 20);
    expect(err).toBeLessThan(0.2); // an untrained net (theta = t^2 net) is ~1 off
    step.destroy();
  });
});
