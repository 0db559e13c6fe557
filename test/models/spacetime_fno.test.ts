// SpaceTimeFNO: shapes across configurations, a non-zero gradient for every parameter, the same
// weights at two resolutions, config errors, and a tiny problem overfitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { mul, sub } from '../../src/ops/binary';
import { mean, sum } from '../../src/ops/reduce';
import { square } from '../../src/ops/unary';
import { Adam } from '../../src/train/optim';
import { SpaceTimeFNO, type SpaceTimeFNOConfig } from '../../src/models/spacetime_fno';
import { Rng } from '../../src/random';

const SMALL: SpaceTimeFNOConfig = {
  modesX: 2,
  modesY: 2,
  modesT: 2,
  width: 4,
  numSpectralLayers: 2,
  latentSteps: 4,
  channelExpansion: 2,
};

describe('SpaceTimeFNO (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init({ kernels: 'lane' });
  });
  afterAll(() => rt?.destroy());

  const input = (shape: number[], seed = 1) =>
    rt.tensor(new Rng(seed).normals(shape.reduce((a, b) => a * b)), shape);

  it('has the shapes and state_dict names of torch-cfd', () => {
    const model = new SpaceTimeFNO(rt, { modesX: 12, modesY: 12, modesT: 5, width: 10 });
    const names = new Map(model.namedParameters().map(([k, t]) => [k, [...t.shape]]));
    expect(names.get('lifting_operator.sconv.weight.3')).toEqual([10, 10, 12, 12, 5]);
    expect(names.get('spectral_conv.2.weight.0')).toEqual([10, 10, 12, 12, 5]);
    expect(names.get('mlp.2.linear1.weight')).toEqual([40, 10, 1, 1, 1]);
    expect(names.get('w.0.bias')).toEqual([10]);
    expect(names.get('reduction.weight')).toEqual([1, 10, 1, 1, 1]);
    expect(names.get('output_operator.conv.bias.1')).toEqual([12, 12, 5]);
    expect(names.has('spectral_conv.3.weight.0')).toBe(false);
    for (const [cfg, x, steps, out] of [
      [SMALL, [2, 8, 8, 5], 3, [2, 8, 8, 3]],
      [
        { ...SMALL, temporalPadding: false, outputSteps: 6 },
        [1, 6, 10, 4],
        undefined,
        [1, 6, 10, 6],
      ],
      [{ ...SMALL, latentSteps: 3, activation: 'GELU' }, [1, 4, 4, 3], undefined, [1, 4, 4, 3]],
    ] as const) {
      const m = new SpaceTimeFNO(rt, cfg as SpaceTimeFNOConfig);
      expect([...m.forward(input([...x]), steps).shape]).toEqual(out);
    }
  });

  it('rejects bad configs and inputs with WgnoErrors', () => {
    expect(() => new SpaceTimeFNO(rt, { ...SMALL, width: 5 })).toThrow(/width must be even/);
    expect(() => new SpaceTimeFNO(rt, { ...SMALL, modes: 3 } as never)).toThrow(
      /unknown config key 'modes'/,
    );
    expect(() => new SpaceTimeFNO(rt, { ...SMALL, activation: 'Tanh' } as never)).toThrow(
      /activation/,
    );
    const m = new SpaceTimeFNO(rt, SMALL);
    expect(() => m.forward(input([1, 3, 8, 5]))).toThrow(/X >= 4/);
    expect(() => m.forward(input([1, 8, 8, 3]))).toThrow(/latentSteps = 4/);
    expect(() => m.forward(input([8, 8, 5]))).toThrow(/\[batch, X, Y, T_in\]/);
  });

  it('gives every parameter a non-zero gradient, at two resolutions with the same weights', async () => {
    const model = new SpaceTimeFNO(rt, { ...SMALL, seed: 2 });
    // Random output-layer biases: torch-cfd starts them at 0, which would leave nothing to check.
    for (const b of model.outputOperator.conv.biases) b.write(new Rng(3).normals(2 * b.size));
    for (const shape of [
      [2, 8, 8, 5],
      [1, 16, 12, 5],
    ]) {
      const out = model.forward(input(shape), 3);
      expect([...out.shape]).toEqual([...shape.slice(0, 3), 3]);
      const loss = sum(mul(out, input([...out.shape], 7)));
      loss.backward();
      const named = model.namedParameters();
      await rt.evaluate(named.map(([, t]) => t.grad!));
      for (const [k, t] of named) {
        const g = await t.grad!.read();
        expect(Math.max(...g.map(Math.abs)), `${k} at ${shape}`).toBeGreaterThan(0);
        t.grad = null;
      }
    }
  });

  it('overfits a tiny problem', async () => {
    // The target is another initialisation's prediction, so it is representable.
    const model = new SpaceTimeFNO(rt, { ...SMALL, seed: 4 });
    const teacher = new SpaceTimeFNO(rt, { ...SMALL, seed: 8 });
    for (const b of teacher.outputOperator.conv.biases) b.write(new Rng(9).normals(2 * b.size));
    const x = input([2, 8, 8, 5], 5);
    const y = rt.tensor(await teacher.forward(x, 3).read(), [2, 8, 8, 3]);
    const loss = mean(square(sub(model.forward(x, 3), y)));
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(model.parameters(), { lr: 0.02 })],
    });
    step.run();
    const first = (await loss.read())[0];
    for (let i = 0; i < 200; i++) step.run();
    const last = (await loss.read())[0];
    if (process.env.WGNO_PRINT_ERRORS) console.log(`SpaceTimeFNO overfit: ${first} -> ${last}`);
    expect(last).toBeLessThan(1e-2 * first);
    step.destroy();
  });
});
