/**
 * A tiny regression problem trained with Adam entirely on the GPU, shared by the Node and browser
 * tests: a 4 -> 16 -> 1 GELU MLP fitting y = sin(x0 + 2 x1) - x2 x3 on 16 fixed points.
 */
import { expect } from 'vitest';
import { Adam, Rng, add, gelu, mean, matmul, square, sub, type Runtime } from '../../src/index';

export async function trainTinyMlp(rt: Runtime, steps = 400): Promise<void> {
  const rng = new Rng(7);
  const n = 16;
  const xs = rng.normals(n * 4);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++)
    ys[i] = Math.sin(xs[4 * i] + 2 * xs[4 * i + 1]) - xs[4 * i + 2] * xs[4 * i + 3];
  const x = rt.tensor(xs, [n, 4]);
  const y = rt.tensor(ys, [n, 1]);
  const w1 = rt.tensor(rng.normals(4 * 16, 0.5), [4, 16], { requiresGrad: true });
  const b1 = rt.tensor(new Float32Array(16), [16], { requiresGrad: true });
  const w2 = rt.tensor(rng.normals(16, 0.25), [16, 1], { requiresGrad: true });
  const b2 = rt.tensor(new Float32Array(1), [1], { requiresGrad: true });

  const pred = add(matmul(gelu(add(matmul(x, w1), b1)), w2), b2);
  const loss = mean(square(sub(pred, y)));
  loss.backward();
  const opt = new Adam([w1, b1, w2, b2], { lr: 0.02 });
  const step = await rt.compile({ outputs: [loss], updates: [opt] });

  // The planner reuses memory: fewer bytes than one buffer per intermediate.
  expect(step.memory.peakBytes).toBeLessThan(step.memory.naiveBytes);

  step.run();
  const first = (await loss.read())[0];
  const before = { ...rt.stats };
  for (let i = 1; i < steps; i++) step.run();
  const after = { ...rt.stats };
  // Replay allocates nothing and submits once per step.
  expect(after.buffersCreated).toBe(before.buffersCreated);
  expect(after.bindGroupsCreated).toBe(before.bindGroupsCreated);
  expect(after.pipelinesCreated).toBe(before.pipelinesCreated);
  expect(after.submits - before.submits).toBe(steps - 1);
  expect(opt.stepCount).toBe(steps);

  const last = (await loss.read())[0];
  expect(first).toBeGreaterThan(0.1);
  expect(last).toBeLessThan(1e-3 * first);
}
