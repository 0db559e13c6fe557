/**
 * DeepONet model checks: shapes across configurations and strategies, DeepXDE's names, every
 * parameter reached by the gradient, clear errors, and a small antiderivative problem learned
 * (the data-driven benchmark of docs/deeponet.md at CI scale).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { DeepONet, DeepONetCartesianProd, type DeepONetConfig } from '../../src/models/deeponet';
import { antiderivativeData } from '../../src/pde/antiderivative';
import { mean, sum } from '../../src/ops/reduce';
import { sub } from '../../src/ops/binary';
import { square } from '../../src/ops/unary';
import { Adam } from '../../src/train/optim';
import { Rng } from '../../src/random';
import { expectWgnoError } from '../util/errors';
import { expectNonZeroGrads } from '../nn/gno_block_fixtures';

const base: DeepONetConfig = { branch: [6, 8, 4], trunk: [2, 8, 4], activation: 'tanh' };

describe('DeepONet (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  const leaf = (shape: number[], seed: number) =>
    rt.tensor(new Rng(seed).normals(shape[0] * shape[1]), shape, { requiresGrad: true });

  it('gives DeepXDE shapes and names for every strategy', () => {
    const cases: [DeepONetConfig, number[], number[], string[]][] = [
      [base, [3, 5], [3, 1], ['branch.linears.0.weight', 'b.0']],
      [
        { ...base, numOutputs: 2 }, // 'independent' by default, as DeepXDE
        [3, 5, 2],
        [3, 2],
        ['branch.1.linears.1.bias', 'trunk.0.linears.0.weight', 'b.1'],
      ],
      [{ ...base, numOutputs: 2, multiOutputStrategy: 'split_both' }, [3, 5, 2], [3, 2], ['b.1']],
      [
        // branch width 8 = 2 outputs x trunk width 4
        { ...base, branch: [6, 8], numOutputs: 2, multiOutputStrategy: 'split_branch' },
        [3, 5, 2],
        [3, 2],
        ['trunk.linears.1.weight'],
      ],
    ];
    for (const [cfg, cartShape, alignedShape, names] of cases) {
      const cart = new DeepONetCartesianProd(rt, cfg);
      expect([...cart.forward(leaf([3, 6], 1), leaf([5, 2], 2)).shape]).toEqual(cartShape);
      const aligned = new DeepONet(rt, cfg);
      expect([...aligned.forward(leaf([3, 6], 1), leaf([3, 2], 2)).shape]).toEqual(alignedShape);
      const got = cart.namedParameters().map(([n]) => n);
      for (const n of names) expect(got, JSON.stringify(cfg)).toContain(n);
    }
  });

  it('sends a non-zero gradient to every parameter and both inputs', async () => {
    const net = new DeepONetCartesianProd(rt, {
      ...base,
      activation: { branch: 'gelu', trunk: 'sin' },
      numOutputs: 2,
      multiOutputStrategy: 'split_both',
      seed: 5,
    });
    const [v, x] = [leaf([3, 6], 3), leaf([5, 2], 4)];
    sum(square(net.forward(v, x))).backward();
    await expectNonZeroGrads(rt, [...net.namedParameters(), ['v', v], ['x', x]]);
  });

  it("loads DeepXDE's pre-1.11 single bias 'b'", async () => {
    const net = new DeepONetCartesianProd(rt, base);
    const sd = await net.stateDict();
    const b = sd.get('b.0')!;
    sd.delete('b.0');
    sd.set('b', { ...b, data: new Float32Array([0.25]) });
    net.loadStateDict(sd);
    expect([...(await net.stateDict()).get('b.0')!.data]).toEqual([0.25]);
  });

  it('rejects bad configurations and inputs with clear errors', () => {
    const op = 'DeepONetCartesianProd';
    const make = (cfg: Partial<DeepONetConfig>) => () =>
      new DeepONetCartesianProd(rt, { ...base, ...cfg } as DeepONetConfig);
    expectWgnoError(make({ trunk: [2, 8, 5] }), op, /branch width 4, trunk width 5: .* equal/);
    expectWgnoError(make({ branch: [6] }), op, /branch is \[6\]; it must list at least two/);
    expectWgnoError(make({ activation: 'swish' as 'tanh' }), op, /unknown activation "swish"/);
    expectWgnoError(make({ multiOutputStrategy: 'split_both' }), op, /needs numOutputs > 1/);
    expectWgnoError(
      make({ numOutputs: 3, multiOutputStrategy: 'split_both' }),
      op,
      /divisible by numOutputs = 3/,
    );
    expectWgnoError(
      make({ numOutputs: 2, multiOutputStrategy: 'split_trunk' }),
      op,
      /'split_trunk' needs trunk = numOutputs x branch = 8/,
    );
    expectWgnoError(make({ numOutputs: 0 }), op, /numOutputs is 0/);
    const net = new DeepONetCartesianProd(rt, base);
    expectWgnoError(
      () => net.forward(leaf([3, 5], 1), leaf([4, 2], 2)),
      op,
      /xFunc .* \[B, m\] with 6/,
    );
    expectWgnoError(
      () => net.forward(leaf([3, 6], 1), leaf([4, 3], 2)),
      op,
      /xLoc .* \[N, d\] with 2/,
    );
    const aligned = new DeepONet(rt, base);
    expectWgnoError(
      () => aligned.forward(leaf([3, 6], 1), leaf([4, 2], 2)),
      'DeepONet',
      /same number of rows/,
    );
  });

  it('learns the antiderivative operator on a small scale', async () => {
    const m = 20;
    const train = antiderivativeData(new Rng(0), { count: 64, sensors: m });
    const test = antiderivativeData(new Rng(1), { count: 24, sensors: m });
    const net = new DeepONetCartesianProd(rt, {
      branch: [m, 24, 24],
      trunk: [1, 24, 24],
      activation: 'relu',
      seed: 1,
    });
    const x = rt.tensor(train.x, [m, 1]);
    const loss = mean(
      square(sub(net.forward(rt.tensor(train.v, [64, m]), x), rt.tensor(train.u, [64, m]))),
    );
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(net.namedParameters(), { lr: 5e-3 })],
    });
    step.run();
    const first = (await loss.read())[0];
    for (let i = 1; i < 200; i++) step.run();
    const last = (await loss.read())[0];
    const pred = await net.forward(rt.tensor(test.v, [24, m]), x).read();
    let [num, den] = [0, 0];
    pred.forEach((p, i) => ((num += (p - test.u[i]) ** 2), (den += test.u[i] ** 2)));
    const relL2 = Math.sqrt(num / den);
    if (process.env.WGNO_PRINT_ERRORS) console.log({ first, last, relL2 });
    expect(last).toBeLessThan(first / 20);
    expect(relL2).toBeLessThan(0.15); // held-out functions; untrained it is ~1
    step.destroy();
  });
});
