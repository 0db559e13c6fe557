import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, Rng, init, mean, square, sub, type Runtime } from '../../src/index';
import { neighborhoods } from '../../src/geometry/relations';
import { IntegralTransform } from '../../src/nn/integral_transform';
import { GNO_FIXTURES, checkGnoFixture, expectGnoErrors } from './integral_transform_fixtures';

describe('IntegralTransform vs neuraloperator fixtures', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of GNO_FIXTURES)
    it(name, async () => expectGnoErrors(name, await checkGnoFixture(rt, name)));

  it('uses neuraloperator state_dict names', () => {
    const gno = new IntegralTransform(rt, {
      channelMlpLayers: [7, 8, 6, 3],
      transformType: 'nonlinear',
    });
    expect(gno.namedParameters().map(([k, t]) => `${k} ${t.shape.join('x')}`)).toEqual([
      'channel_mlp.fcs.0.weight 8x7',
      'channel_mlp.fcs.0.bias 8',
      'channel_mlp.fcs.1.weight 6x8',
      'channel_mlp.fcs.1.bias 6',
      'channel_mlp.fcs.2.weight 3x6',
      'channel_mlp.fcs.2.bias 3',
    ]);
  });

  it('rejects bad configurations and inputs with clear errors', () => {
    expect(
      () =>
        new IntegralTransform(rt, { channelMlpLayers: [4, 3], transformType: 'cubic' as never }),
    ).toThrow(/IntegralTransform: transformType 'cubic' is invalid; use one of linear_kernelonly/);
    expect(
      () => new IntegralTransform(rt, { channelMlpLayers: [4, 3], reduction: 'max' as never }),
    ).toThrow(/reduction 'max' is invalid; use 'sum' or 'mean'/);
    expect(() => new IntegralTransform(rt, { channelMlpLayers: [4] })).toThrow(
      /LinearChannelMLP: layers \[4\] must list at least 2/,
    );
    const nb = neighborhoods(rt, { rowSplits: [0, 2, 3], index: [1, 0, 1], nPoints: 2 });
    const y = rt.tensor(new Float32Array(4), [2, 2]);
    const x = rt.tensor(new Float32Array(4), [2, 2]);
    const fY = rt.tensor(new Float32Array(6), [2, 3]);
    const gno = new IntegralTransform(rt, {
      channelMlpLayers: [4, 8, 3],
      transformType: 'nonlinear',
    });
    expect(() => gno.forward({ y, x, fY, neighbors: nb })).toThrow(
      /the kernel MLP takes 4 inputs but \[y_j, x, f\(y_j\)\] has 7/,
    );
    const lin = new IntegralTransform(rt, { channelMlpLayers: [4, 8, 2] });
    expect(() => lin.forward({ y, x, fY, neighbors: nb })).toThrow(
      /outputs 2 channels but multiplies f\(y_j\) with 3; they must be equal/,
    );
    expect(() => lin.forward({ y: fY, x, neighbors: nb })).toThrow(
      /the kernel MLP takes 4 inputs but \[y_j, x\] has 5/,
    );
    const f5 = rt.tensor(new Float32Array(15), [5, 3]);
    expect(() => lin.forward({ y, x, fY: f5, neighbors: nb })).toThrow(
      /fY \[5, 3\] must be \[n, c\] or \[batch, n, c\] with n = 2/,
    );
    const w = rt.tensor(new Float32Array(2), [2]);
    expect(() => lin.forward({ y, x, neighbors: nb, weights: w })).toThrow(
      /weights \[2\] must be \[nnz\] = \[3\], one per edge/,
    );
    const x3 = rt.tensor(new Float32Array(6), [3, 2]);
    expect(() => lin.forward({ y, x: x3, neighbors: nb })).toThrow(
      /x \[3, 2\] must be \[m, d\] with m = 2/,
    );
    nb.destroy();
  });

  it('overfits a tiny problem with Adam, replaying one compiled step', async () => {
    const rng = new Rng(5);
    const [n, m] = [10, 6];
    const ys = rng.uniforms(n * 2, 0, 1);
    const xs = rng.uniforms(m * 2, 0, 1);
    const [rowSplits, index] = [[0], [] as number[]];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++)
        if (Math.hypot(xs[2 * i] - ys[2 * j], xs[2 * i + 1] - ys[2 * j + 1]) <= 0.5) index.push(j);
      rowSplits.push(index.length);
    }
    const nb = neighborhoods(rt, { rowSplits, index, nPoints: n });
    const gno = new IntegralTransform(rt, {
      channelMlpLayers: [4, 32, 2],
      transformType: 'linear',
      reduction: 'mean',
      seed: 3,
    });
    const fY = rt.tensor(rng.normals(n * 2), [n, 2]);
    const target = rt.tensor(rng.normals(m * 2, 0.5), [m, 2]);
    const out = gno.forward({
      y: rt.tensor(ys, [n, 2]),
      x: rt.tensor(xs, [m, 2]),
      fY,
      neighbors: nb,
    });
    const loss = mean(square(sub(out, target)));
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(gno.parameters(), { lr: 0.01 })],
    });
    step.run();
    const first = (await loss.read())[0];
    const buffers = rt.stats.buffersCreated;
    for (let i = 1; i < 400; i++) step.run();
    const last = (await loss.read())[0];
    expect(rt.stats.buffersCreated).toBe(buffers);
    expect(first).toBeGreaterThan(0.05);
    expect(last).toBeLessThan(1e-2 * first);
    step.destroy();
    nb.destroy();
  });
});
