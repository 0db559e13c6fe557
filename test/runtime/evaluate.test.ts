import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exp,
  gelu,
  init,
  matmul,
  mean,
  neg,
  Rng,
  square,
  sum,
  type Runtime,
} from '../../src/index';

describe('Runtime.evaluate and Tensor.read', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  const mlp = () => {
    const rng = new Rng(5);
    const x = rt.tensor(rng.normals(8 * 4, 1), [8, 4]);
    const w1 = rt.tensor(rng.normals(4 * 6, 0.5), [4, 6], { requiresGrad: true });
    const w2 = rt.tensor(rng.normals(6 * 3, 0.5), [6, 3], { requiresGrad: true });
    const w3 = rt.tensor(rng.normals(3, 0.5), [3], { requiresGrad: true });
    const loss = mean(square(matmul(gelu(matmul(x, w1)), w2)));
    const params = [w1, w2, w3];
    return { loss: sum(neg(exp(loss))), params, loss0: loss };
  };

  it('reads every gradient of one backward() with one run, one after another', async () => {
    const { loss, params } = mlp();
    const lossWithW3 = sum(neg(exp(sum(params[2])))); // w3 only reaches this one
    loss.backward();
    const before = rt.stats.submits;
    const grads: Float32Array[] = [];
    for (const p of params.slice(0, 2)) grads.push(await p.grad!.read());
    await loss.read();
    expect(rt.stats.submits - before).toBe(1); // forward + backward once, for all three reads
    expect(grads[0].length).toBe(24);
    expect(grads.every((g) => g.some((v) => v !== 0))).toBe(true);
    lossWithW3.backward();
    expect(params[2].grad).not.toBeNull();
  });

  it('merges reads of the same tick into one step, with the same values as reading alone', async () => {
    const { loss0 } = mlp();
    const a = exp(loss0);
    const b = neg(loss0);
    const before = rt.stats.submits;
    const [va, vb] = await Promise.all([a.read(), b.read()]);
    expect(rt.stats.submits - before).toBe(1);
    const alone = await exp(loss0).read();
    expect(va[0]).toBe(alone[0]);
    expect(vb[0]).toBeCloseTo(-Math.log(va[0]), 5);
  });

  it('explicit rt.evaluate computes a list once; later reads do not run again', async () => {
    const { loss, params } = mlp();
    loss.backward();
    const grads = params.slice(0, 2).map((p) => p.grad!);
    await rt.evaluate(grads);
    const before = rt.stats.submits;
    await Promise.all(grads.map((g) => g.read()));
    expect(rt.stats.submits).toBe(before);
  });
});

describe('a tensor output by two Steps', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('reads the value of the latest run that computed it, never a stale buffer', async () => {
    const x = rt.tensor([1, 2, 3], [3]);
    const y = exp(x);
    const first = await rt.compile({ outputs: [y] });
    const second = await rt.compile({ outputs: [y] });
    first.run();
    x.write([0, 0, 0]);
    // second has not run: y still reads first's run (x was [1, 2, 3] then)
    expect((await y.read())[0]).toBeCloseTo(Math.E, 5);
    second.run();
    expect((await y.read())[0]).toBe(1);
    x.write([1, 1, 1]);
    first.run();
    expect((await y.read())[0]).toBeCloseTo(Math.E, 5);
    first.destroy();
    // the step that ran last is gone: the read computes y afresh from x
    x.write([2, 2, 2]);
    expect((await y.read())[0]).toBeCloseTo(Math.exp(2), 4);
    second.destroy();
  });

  it('compiling a step does not change what an earlier step computed', async () => {
    const x = rt.tensor([0.5], [1]);
    const y = neg(x);
    const s = await rt.compile({ outputs: [y] });
    s.run();
    const before = rt.stats.submits;
    await rt.compile({ outputs: [y] }); // compiled, never run
    expect((await y.read())[0]).toBe(-0.5);
    expect(rt.stats.submits).toBe(before); // no re-evaluation
  });
});

describe('Step.bind: the same step on other leaves', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('runs on a bound leaf with no re-planning and no allocation per run, and restores', async () => {
    const rng = new Rng(2);
    const x = rt.tensor(rng.normals(12, 1), [3, 4]);
    const w = rt.tensor(rng.normals(8, 1), [4, 2]);
    const other = rt.tensor(rng.normals(12, 1), [3, 4]);
    const y = gelu(matmul(x, w));
    const step = await rt.compile({ outputs: [y] });
    step.run();
    const onX = await y.read();
    const made = { ...rt.stats };
    step.bind(x, other);
    expect(rt.stats.pipelinesCreated).toBe(made.pipelinesCreated);
    const afterBind = { ...rt.stats };
    step.run();
    step.run();
    expect(rt.stats.bindGroupsCreated).toBe(afterBind.bindGroupsCreated);
    expect(rt.stats.buffersCreated).toBe(afterBind.buffersCreated);
    const onOther = await y.read();
    const expected = await gelu(matmul(other, w)).read();
    expect([...onOther]).toEqual([...expected]);
    step.bind(x, x);
    step.run();
    expect([...(await y.read())]).toEqual([...onX]);
  });

  it('names what is wrong with a bind', async () => {
    const x = rt.tensor(new Float32Array(4), [4]);
    const y = exp(x);
    const step = await rt.compile({ outputs: [y] });
    expect(() => step.bind(x, rt.tensor(new Float32Array(5), [5]))).toThrow(
      /step\.bind: .* must have the shape and dtype of/,
    );
    expect(() => step.bind(rt.tensor([1], [1]), x)).toThrow(/is not a leaf this step reads/);
    expect(() => step.bind(x, neg(x))).toThrow(/is computed; bind a leaf/);
    const gone = rt.tensor(new Float32Array(4), [4]);
    step.bind(x, gone);
    gone.destroy();
    expect(() => step.run()).toThrow(/was destroyed/);
  });
});
