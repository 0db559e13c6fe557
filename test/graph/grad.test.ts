/**
 * Second-order autodiff: grad() returns graph tensors that are differentiable again.
 *  - second derivatives of MLPs (tanh, sin, GELU) in their input, against analytic values;
 *  - Hessian-vector products and the gradient of a gradient norm, against central differences of
 *    the float64 reference evaluator;
 *  - a loss holding u_xx trains in one compiled Step that replays without creating GPU objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  add,
  gelu,
  grad,
  init,
  matmul,
  mean,
  mul,
  sin,
  square,
  sub,
  sum,
  tanh,
  type Runtime,
  type Tensor,
} from '../../src/index';
import { evaluateReference } from '../../src/graph/reference';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';

const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
/** Activations with their second derivatives in float64. */
const ACTS: [string, (x: Tensor) => Tensor, (z: number) => number][] = [
  ['tanh', tanh, (z) => -2 * Math.tanh(z) * (1 - Math.tanh(z) ** 2)],
  ['sin', sin, (z) => -Math.sin(z)],
  ['gelu', gelu, (z) => phi(z) * (2 - z * z)],
];

describe('grad: derivatives that are differentiable again', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  /** u(x) = act(x w1 + b1) w2 over n independent points x: [n, 1]; hidden width h. */
  function mlp(act: (x: Tensor) => Tensor, n = 33, h = 8, seed = 1) {
    const rng = new Rng(seed);
    const host = {
      x: Float32Array.from({ length: n }, (_, i) => -2 + (4 * i) / (n - 1)),
      w1: rng.normals(h, 1),
      b1: rng.normals(h, 0.5),
      w2: rng.normals(h, 1),
    };
    const x = rt.tensor(host.x, [n, 1], { requiresGrad: true });
    const w1 = rt.tensor(host.w1, [1, h], { requiresGrad: true });
    const b1 = rt.tensor(host.b1, [h], { requiresGrad: true });
    const w2 = rt.tensor(host.w2, [h, 1], { requiresGrad: true });
    const u = matmul(act(add(matmul(x, w1), b1)), w2);
    const feeds = new Map<Tensor, Float64Array>([
      [x, Float64Array.from(host.x)],
      [w1, Float64Array.from(host.w1)],
      [b1, Float64Array.from(host.b1)],
      [w2, Float64Array.from(host.w2)],
    ]);
    return { x, w1, b1, w2, u, host, feeds };
  }

  for (const [name, act, act2] of ACTS)
    it(`second derivative in x of a ${name} MLP matches the analytic value`, async () => {
      const { x, u, host } = mlp(act);
      const [ux] = grad(sum(u), [x]);
      const [uxx] = grad(sum(ux), [x]);
      expect(ux.requiresGrad).toBe(true);
      const want = Array.from(host.x, (xi) => {
        let s = 0;
        for (let j = 0; j < host.w1.length; j++)
          s += host.w2[j] * host.w1[j] ** 2 * act2(xi * host.w1[j] + host.b1[j]);
        return s;
      });
      expect(relL2(await uxx.read(), want)).toBeLessThan(2e-5);
    });

  it('Hessian-vector products match central differences of the gradient', async () => {
    const { w1, b1, w2, u, feeds } = mlp(tanh, 17, 6, 2);
    const rng = new Rng(9);
    const vs = [rng.normals(6, 1), rng.normals(6, 1), rng.normals(6, 1)];
    const v = vs.map((d, i) => rt.tensor(d, [w1, b1, w2][i].shape));
    const params = [w1, b1, w2];
    const f = sum(square(u));
    const g = grad(f, params);
    const gv = sum(add(add(sum(mul(g[0], v[0])), sum(mul(g[1], v[1]))), sum(mul(g[2], v[2]))));
    const hv = grad(gv, params);
    const gpu = (await Promise.all(hv.map((t) => t.read()))).flatMap((a) => [...a]);
    // Central differences of the float64 gradient graph along v.
    const eps = 1e-5;
    const at = (sign: number) => {
      const shifted = new Map(feeds);
      params.forEach((p, i) =>
        shifted.set(
          p,
          feeds.get(p)!.map((w, k) => w + sign * eps * vs[i][k]),
        ),
      );
      return evaluateReference(g, shifted).flatMap((a) => [...a]);
    };
    const [plus, minus] = [at(1), at(-1)];
    const fd = plus.map((p, k) => (p - minus[k]) / (2 * eps));
    expect(relL2(gpu, fd)).toBeLessThan(1e-4);
  });

  it('the gradient of a gradient norm matches central differences', async () => {
    const { w1, b1, w2, u, feeds } = mlp(sin, 9, 5, 3);
    const params = [w1, b1, w2];
    const g = grad(mean(square(u)), params);
    const norm = add(add(sum(square(g[0])), sum(square(g[1]))), sum(square(g[2])));
    const [dw1] = grad(norm, [w1]);
    const gpu = await dw1.read();
    const eps = 1e-6;
    const base = feeds.get(w1)!;
    const fd = Array.from(base, (_, k) => {
      const value = (sign: number) => {
        const shifted = new Map(feeds);
        shifted.set(
          w1,
          base.map((w, j) => (j === k ? w + sign * eps : w)),
        );
        return evaluateReference([norm], shifted)[0][0];
      };
      return (value(1) - value(-1)) / (2 * eps);
    });
    expect(relL2(gpu, fd)).toBeLessThan(1e-4);
  });

  it('a loss holding u_xx trains in one Step that replays without creating GPU objects', async () => {
    // Fit u'' = -sin(x) on [-2, 2] (u = sin x is one solution): a physics-style residual loss.
    const { x, w1, b1, w2, u, host } = mlp(tanh, 33, 16, 4);
    const [ux] = grad(sum(u), [x]);
    const [uxx] = grad(sum(ux), [x]);
    const f = rt.tensor(
      Array.from(host.x, (v) => -Math.sin(v)),
      [33, 1],
    );
    const loss = mean(square(sub(uxx, f)));
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam([w1, b1, w2], { lr: 2e-2 })],
    });
    expect(step.memory.peakBytes).toBeLessThan(step.memory.naiveBytes);
    step.run();
    const first = (await loss.read())[0];
    const made = { ...rt.stats };
    for (let i = 0; i < 300; i++) step.run();
    expect(rt.stats.pipelinesCreated).toBe(made.pipelinesCreated);
    expect(rt.stats.bindGroupsCreated).toBe(made.bindGroupsCreated);
    expect(rt.stats.buffersCreated).toBe(made.buffersCreated);
    expect(rt.stats.submits - made.submits).toBe(300);
    const last = (await loss.read())[0];
    expect(last).toBeLessThan(first / 20);
  }, 120_000);

  it('names what is wrong', () => {
    const { x, w1, u } = mlp(tanh, 4, 2, 5);
    const c = rt.tensor([1, 2, 3, 4], [4, 1]);
    expect(() => grad(sum(u), [c])).toThrow(/grad: input 0 .* does not require a gradient/);
    expect(() => grad(u, [x])).toThrow(/grad: the output 0 has shape \[4, 1\]/);
    const other = rt.tensor([1], [1], { requiresGrad: true });
    expect(() => grad(sum(u), [other])).toThrow(/no output depends on input 0/);
    const [zeros, gw] = grad(sum(u), [other, w1], { allowUnused: true });
    expect(zeros.shape).toEqual([1]);
    expect(gw.shape).toEqual([1, 2]);
    expect(() => grad(u, [x], { seeds: [c, c] })).toThrow(/2 seeds for 1 outputs/);
  });
});
