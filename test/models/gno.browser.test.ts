import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { sub } from '../../src/ops/binary';
import { mean, sum } from '../../src/ops/reduce';
import { square } from '../../src/ops/unary';
import { Rng } from '../../src/random';
import { Adam } from '../../src/train/optim';
import { GNO, type GNOConfig } from '../../src/models/gno';
import { ballNeighborhoods, expectErrors, expectNonZeroGrads } from '../nn/gno_block_fixtures';
import { GNO_MODEL_FIXTURES, checkGnoModelFixture } from './gno-fixtures';

const SMALL: GNOConfig = {
  inChannels: 2,
  outChannels: 1,
  hiddenChannels: 8,
  coordDim: 2,
  radius: 0.4,
  nLayers: 2,
  kernelMlpLayers: [16],
};

describe('GNO model', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of GNO_MODEL_FIXTURES)
    it(`matches PyTorch: ${name}`, async () =>
      expectErrors(name, await checkGnoModelFixture(rt, name), 10));

  it('gives [n, out] and [batch, n, out], and every parameter a gradient', async () => {
    const rng = new Rng(8);
    const points = rng.uniforms(15 * 2, 0, 1);
    const nb = ballNeighborhoods(rt, points, points, 2, 0.4);
    const gno = new GNO(rt, { ...SMALL, posEmbeddingType: 'transformer', posEmbeddingChannels: 3 });
    expect(gno.namedParameters().map(([k]) => k)).toContain(
      'gno_blocks.1.integral_transform.channel_mlp.fcs.1.weight',
    );
    expect(gno.namedParameters().map(([k]) => k)).toContain('gno_skips.0.weight');
    const f2 = rt.tensor(rng.normals(30), [15, 2]);
    expect(gno.forward({ points, f: f2, neighbors: nb }).shape).toEqual([15, 1]);
    const f3 = rt.tensor(rng.normals(90), [3, 15, 2], { requiresGrad: true });
    const out = gno.forward({ points, f: f3, neighbors: nb });
    expect(out.shape).toEqual([3, 15, 1]);
    sum(out).backward();
    await expectNonZeroGrads(rt, [...gno.namedParameters(), ['f', f3]]);
    nb.destroy();
  });

  it('overfits a smooth function on a small point cloud', async () => {
    // u(p) = sin(pi x) cos(pi y) from f = (x, y) on 24 scattered points.
    const rng = new Rng(11);
    const n = 24;
    const points = rng.uniforms(n * 2, 0, 1);
    const target = Float32Array.from(
      { length: n },
      (_, i) => Math.sin(Math.PI * points[2 * i]) * Math.cos(Math.PI * points[2 * i + 1]),
    );
    const nb = ballNeighborhoods(rt, points, points, 2, 0.4);
    const gno = new GNO(rt, { ...SMALL, seed: 5 });
    const f = rt.tensor(points, [1, n, 2]);
    const loss = mean(
      square(sub(gno.forward({ points, f, neighbors: nb }), rt.tensor(target, [1, n, 1]))),
    );
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(gno.parameters(), { lr: 0.02 })],
    });
    step.run();
    const first = (await loss.read())[0];
    for (let i = 1; i < 400; i++) step.run();
    const last = (await loss.read())[0];
    console.log(`GNO overfit: loss ${first.toExponential(2)} -> ${last.toExponential(2)}`);
    expect(first).toBeGreaterThan(0.02);
    expect(last).toBeLessThan(1e-3 * first);
    step.destroy();
    nb.destroy();
  });

  it('rejects bad configurations and inputs with clear errors', () => {
    expect(() => new GNO(rt, { ...SMALL, hiddenChannels: 0 })).toThrow(
      /GNO: hiddenChannels must be an integer >= 1, got 0/,
    );
    expect(() => new GNO(rt, { ...SMALL, nLayers: 0 })).toThrow(/nLayers must be an integer >= 1/);
    expect(() => new GNO(rt, { ...SMALL, radius: 0 })).toThrow(/GNOBlock: radius must be/);
    const points = [0, 0, 0.3, 0, 0, 0.3];
    const nb = ballNeighborhoods(rt, points, points, 2, 0.4);
    const gno = new GNO(rt, SMALL);
    expect(() =>
      gno.forward({ points, f: rt.tensor(new Float32Array(9), [3, 3]), neighbors: nb }),
    ).toThrow(/f \[3, 3\] must be \[batch, 3, 2\] or \[3, 2\]/);
    const cross = ballNeighborhoods(rt, points, [0, 0], 2, 0.4);
    expect(() =>
      gno.forward({ points, f: rt.tensor(new Float32Array(6), [3, 2]), neighbors: cross }),
    ).toThrow(/neighbors has 1 queries and 3 data points; GNO integrates over one point cloud/);
    expect(() =>
      gno.forward({
        points: [0, 0, 0, 1, 1, 1, 2, 2, 2],
        f: rt.tensor(new Float32Array(6), [3, 2]),
        neighbors: nb,
      }),
    ).toThrow(/y has 9 coordinates; expected 3 data points/);
    nb.destroy();
    cross.destroy();
  });
});
