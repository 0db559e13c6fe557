/**
 * MgNO model tests (node, lane kernels; the fixture test covers both lowerings): output shapes
 * across configurations, a non-zero gradient for every parameter, the same weights at two
 * resolutions, a tiny problem overfitted, and the config and input errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import { MgNO, type MgNOConfig } from '../../src/models/mgno';
import { mul, sub } from '../../src/ops/binary';
import { mean, sum } from '../../src/ops/reduce';
import { square } from '../../src/ops/unary';
import { Adam } from '../../src/train/optim';
import { Rng } from '../../src/random';
import { expectWgnoError } from '../util/errors';
import { expectNonZeroGrads } from '../nn/gno_block_fixtures';

const DC: MgNOConfig = {
  inChannels: 1,
  hiddenChannels: 4,
  numLayers: 2,
  numIteration: [
    [1, 0],
    [1, 1],
    [2, 0],
  ],
};
const NS: MgNOConfig = { ...DC, variant: 'ns', bias: true, gridSize: [16, 16] };

describe('MgNO (node)', () => {
  let rt: Runtime;
  const rng = new Rng(7);
  const input = (shape: number[]): Tensor =>
    rt.tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape, { requiresGrad: true });
  beforeAll(async () => {
    rt = await init({ kernels: 'lane' });
  });
  afterAll(() => rt?.destroy());

  it('gives [B, out, H, W] across configurations', async () => {
    const cases: [MgNOConfig, number[], number[]][] = [
      [DC, [2, 1, 16, 16], [2, 1, 16, 16]],
      [{ ...DC, paddingMode: 'reflect', lastLayer: 'linear' }, [1, 1, 8, 12], [1, 1, 8, 12]],
      [
        { ...DC, inChannels: 3, pointwise: false, numIteration: [[2, 2]] },
        [1, 3, 5, 7],
        [1, 1, 5, 7],
      ],
      [NS, [2, 1, 16, 16], [2, 1, 16, 16]],
      [
        {
          ...NS,
          inChannels: 2,
          gridSize: undefined,
          elementwiseAffine: false,
          mlpHiddenDim: 6,
          outputDim: 2,
        },
        [1, 2, 8, 4],
        [1, 2, 8, 4],
      ],
    ];
    for (const [cfg, inShape, outShape] of cases) {
      const y = new MgNO(rt, cfg).forward(input(inShape));
      expect([...y.shape]).toEqual(outShape);
      expect((await y.read()).every(Number.isFinite)).toBe(true);
    }
  });

  it('gives every parameter and the input a non-zero gradient', async () => {
    for (const cfg of [
      { ...DC, bias: true, useRes: true },
      { ...NS, useRes: true, mlpHiddenDim: 5 },
    ]) {
      const model = new MgNO(rt, cfg);
      const x = input([2, 1, 16, 16]);
      const y = model.forward(x);
      sum(mul(y, rt.tensor(rng.normals(2 * 16 * 16), y.shape))).backward();
      await expectNonZeroGrads(rt, [...model.namedParameters(), ['x', x]]);
    }
  });

  it('runs the same weights at two resolutions (no grid-sized LayerNorm)', async () => {
    for (const cfg of [DC, { ...NS, gridSize: undefined, elementwiseAffine: false }]) {
      const model = new MgNO(rt, cfg);
      const before = await model.stateDict();
      for (const n of [16, 32]) {
        const y = model.forward(rt.tensor(rng.normals(n * n), [1, 1, n, n]));
        expect([...y.shape]).toEqual([1, 1, n, n]);
        expect((await y.read()).every(Number.isFinite)).toBe(true);
      }
      expect(await model.stateDict()).toEqual(before);
    }
  });

  it('overfits a tiny problem to near zero loss', async () => {
    const n = 8;
    const a = new Float32Array(2 * n * n);
    const u = new Float32Array(2 * n * n);
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const k = (b * n + i) * n + j;
          a[k] = i < n / 2 !== j < n / 2 + 4 * b ? 1 : 3; // piecewise constant
          u[k] = (Math.sin((Math.PI * (i + 0.5)) / n) * Math.sin((Math.PI * (j + 0.5)) / n)) / a[k];
        }
    const model = new MgNO(rt, { ...DC, hiddenChannels: 6, seed: 3 });
    const loss = mean(
      square(sub(model.forward(rt.tensor(a, [2, 1, n, n])), rt.tensor(u, [2, 1, n, n]))),
    );
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(model.namedParameters(), { lr: 3e-3 })],
    });
    step.run();
    const first = (await loss.read())[0];
    for (let i = 1; i < 120; i++) step.run();
    const last = (await loss.read())[0];
    if (process.env.WGNO_PRINT_ERRORS) console.log({ first, last });
    expect(last).toBeLessThan(first * 1e-3);
    step.destroy();
  });

  it('names what is wrong in the config', () => {
    const op = 'MgNO';
    const make = (cfg: Partial<MgNOConfig> & Record<string, unknown>) => () =>
      new MgNO(rt, { ...DC, ...cfg } as MgNOConfig);
    expectWgnoError(
      make({ paddingMode: 'replicate' as 'zeros' }),
      op,
      /paddingMode "replicate" is not valid; use "zeros", "circular", "reflect"/,
    );
    expectWgnoError(
      make({ numIteration: [] }),
      op,
      /numIteration must list \[pre, post\] per level/,
    );
    expectWgnoError(
      make({ numIteration: [[0, 1]] }),
      op,
      /numIteration\[0\]\[0\] \(pre-smoothing\) must be an integer >= 1/,
    );
    expectWgnoError(
      make({ numIteration: [[1, 0], [1]] as never }),
      op,
      /numIteration\[1\] must be \[pre, post\]/,
    );
    expectWgnoError(
      make({ hiddenChannels: 0 }),
      op,
      /hiddenChannels must be an integer >= 1, got 0/,
    );
    expectWgnoError(
      make({ gridSize: [16, 16] }),
      op,
      /'gridSize' is an option of variant 'ns', not 'dc'/,
    );
    expectWgnoError(
      make({ variant: 'ns', lastLayer: 'conv' }),
      op,
      /'lastLayer' is an option of variant 'dc'/,
    );
    expectWgnoError(make({ levels: 3 }), op, /unknown config key 'levels'/);
    expectWgnoError(make({ variant: 'fno' as 'dc' }), op, /variant "fno" is not valid/);
    expectWgnoError(make({ variant: 'ns' }), op, /gridSize must be \[H, W\]/);
    expectWgnoError(
      make({ variant: 'ns', gridSize: [10, 16] }),
      op,
      /gridSize 10 x 16 is not divisible by 2\^\(levels - 1\) = 4/,
    );
    expectWgnoError(
      make({ variant: 'ns', elementwiseAffine: false, outputDim: 2 }),
      op,
      /outputDim needs mlpHiddenDim > 0/,
    );
    expectWgnoError(
      make({
        variant: 'ns',
        inChannels: 2,
        elementwiseAffine: false,
        mlpHiddenDim: 4,
        outputDim: 3,
      }),
      op,
      /adds its input to its output: 3 output channels and inChannels 2/,
    );
    expectWgnoError(() => new MgNO(rt, undefined as never), op, /needs a config object/);
  });

  it('names what is wrong with the input and the weights', () => {
    const op = 'MgNO';
    const dc = new MgNO(rt, DC);
    const x = (shape: number[]) =>
      rt.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
    expectWgnoError(
      () => dc.forward(x([1, 2, 16, 16])),
      op,
      /x \[1, 2, 16, 16\] must be \[B, inChannels = 1, H, W\]/,
    );
    expectWgnoError(() => dc.forward(x([16, 16])), op, /must be \[B, inChannels = 1, H, W\]/);
    expectWgnoError(
      () => dc.forward(x([1, 1, 16, 18])),
      op,
      /16 x 18 is not divisible by 2\^\(levels - 1\) = 4: 3 levels halve it 2 times/,
    );
    const reflect = new MgNO(rt, { ...DC, paddingMode: 'reflect' });
    expectWgnoError(
      () => reflect.forward(x([1, 1, 4, 8])),
      op,
      /1 x 2 coarsest level with 3 levels; reflect padding needs at least 2 x 2/,
    );
    expectWgnoError(
      () => new MgNO(rt, NS).forward(x([1, 1, 32, 32])),
      op,
      /grid 32 x 32 differs from gridSize 16 x 16/,
    );
    expectWgnoError(
      () =>
        dc.loadStateDict(
          new Map([['linear.weight', { dtype: 'f32', shape: [1], data: new Float32Array(1) }]]),
        ),
      'loadStateDict',
      /missing key|expects f32/,
    );
  });
});
