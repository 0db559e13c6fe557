// Spectral-Refiner's refinement (src/train/refine.ts): the widened layer starts at the plain
// prediction, the residual norm goes down, the model's weights stay as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { SpaceTimeFNO } from '../../src/models/spacetime_fno';
import { refine } from '../../src/train/refine';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';

const CFG = { modesX: 2, modesY: 2, modesT: 2, width: 4, numSpectralLayers: 2, latentSteps: 4 };

describe('refine (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init({ kernels: 'lane' });
  });
  afterAll(() => rt?.destroy());

  /** A smooth window [1, 16, 16, 5]: two low modes drifting in time. */
  const window = () => {
    const n = 16;
    const data = new Float32Array(n * n * 5);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < 5; k++)
          data[(i * n + j) * 5 + k] =
            Math.sin((2 * Math.PI * (i + 2 * j)) / n + 0.1 * k) +
            0.5 * Math.cos((2 * Math.PI * i) / n);
    return rt.tensor(data, [1, n, n, 5]);
  };

  it('starts from the plain prediction and lowers the residual norm, model untouched', async () => {
    const model = new SpaceTimeFNO(rt, { ...CFG, seed: 1 });
    for (const b of model.outputOperator.conv.biases) b.write(new Rng(2).normals(2 * b.size));
    const x = window();
    const plain = await model.forward(x, 3).read();
    const before = await model.stateDict();
    const zero = await refine(model, x, { dt: 1, outSteps: 3, iterations: 0 });
    expect(relL2(await zero.prediction.read(), plain)).toBeLessThan(1e-5);
    zero.destroy(); // what a page refining window after window does: nothing stays allocated
    await expect(zero.layer.parameters()[0].read()).rejects.toThrow(/destroyed/);
    const history: [number, number][] = [];
    const refined = await refine(model, x, {
      dt: 1,
      outSteps: 3,
      iterations: 30,
      lrWeight: 0.02,
      lrBias: 2,
      progressEvery: 10,
      onProgress: (i, r) => {
        history.push([i, r]);
      },
    });
    if (process.env.WGNO_PRINT_ERRORS) console.log(history);
    expect(history.map(([i]) => i)).toEqual([0, 10, 20, 29, 30]);
    expect(history.at(-1)![1]).toBeLessThan(0.7 * history[0][1]);
    expect(relL2(await refined.prediction.read(), plain)).toBeGreaterThan(1e-4);
    for (const [k, h] of await model.stateDict())
      expect(relL2(h.data, before.get(k)!.data), k).toBe(0);
  });

  it('anchors on several input frames with a cosine schedule and still lowers the residual', async () => {
    const model = new SpaceTimeFNO(rt, { ...CFG, seed: 3 });
    for (const b of model.outputOperator.conv.biases) b.write(new Rng(4).normals(2 * b.size));
    const history: number[] = [];
    await refine(model, window(), {
      dt: 1,
      outSteps: 3,
      iterations: 20,
      lrWeight: 0.02,
      lrBias: 2,
      anchor: 3,
      schedule: 'cosine',
      progressEvery: 19,
      onProgress: (_, r) => {
        history.push(r);
      },
    });
    expect(history.at(-1)!).toBeLessThan(0.7 * history[0]);
  });

  it('rejects a batch and too many modes', async () => {
    const model = new SpaceTimeFNO(rt, CFG);
    const two = rt.tensor(new Float32Array(2 * 16 * 16 * 5), [2, 16, 16, 5]);
    await expect(refine(model, two, { dt: 1 })).rejects.toThrow(/one window/);
    await expect(refine(model, window(), { dt: 1, modes: [9, 4, 3] })).rejects.toThrow(
      /at most \[8, 8/,
    );
    await expect(refine(model, window(), { dt: 1, anchor: 6 })).rejects.toThrow(/integer 0\.\.5/);
    await expect(refine(model, window(), { dt: 1, dropLast: 9 })).rejects.toThrow(/dropLast/);
    const bad = { dt: 1, schedule: 'linear' as 'cosine' };
    await expect(refine(model, window(), bad)).rejects.toThrow(/'constant' or 'cosine'/);
  });
});
