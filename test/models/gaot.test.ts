/**
 * GAOT model tests (node, lane kernels; test/models/gaot-fixtures.test.ts checks the numbers
 * against PyTorch): GAOT's state_dict names, output shapes across configurations and query sets,
 * a non-zero gradient for every parameter and the input, a tiny problem overfitted, and the
 * config and input errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { GAOT, GAOTGeometry, type GAOTConfig } from '../../src/models/gaot';
import { mul, sub } from '../../src/ops/binary';
import { mean, sum } from '../../src/ops/reduce';
import { square } from '../../src/ops/unary';
import { Adam } from '../../src/train/optim';
import { Rng } from '../../src/random';
import { expectWgnoError } from '../util/errors';
import { expectNonZeroGrads } from '../nn/gno_block_fixtures';

/** A tiny GAOT: 4 x 4 tokens in 2 x 2 patches, hidden 16, 2 heads. */
const TINY: GAOTConfig = {
  inChannels: 2,
  outChannels: 1,
  latentTokens: [4, 4],
  magno: { radius: 0.55, hiddenSize: 8, mlpLayers: 2, liftingChannels: 8 },
  transformer: { hiddenSize: 16, numLayers: 3, numHeads: 2, ffnMultiplier: 2 },
};

const STEPS = 240;
const AMPLITUDES = [1];
const B = AMPLITUDES.length;

describe('GAOT (node)', () => {
  let rt: Runtime;
  const rng = new Rng(5);
  const points = rng.uniforms(2 * 60, -1, 1);
  beforeAll(async () => {
    rt = await init({ kernels: 'lane' });
  });
  afterAll(() => rt?.destroy());

  it("registers GAOT's state_dict names in GAOT's order", () => {
    const names = new GAOT(rt, TINY).namedParameters().map(([n]) => n);
    const tops = [...new Set(names.map((n) => n.split('.')[0]))];
    expect(tops).toEqual(['encoder', 'patch_linear', 'processor', 'decoder']);
    const block = (b: string) => [
      ...['q', 'k', 'v', 'o'].map((p) => `${b}.attn.${p}_proj.weight`),
      ...['w1', 'w2', 'w3'].map((w) => `${b}.ffn.${w}.weight`),
      `${b}.attn_norm.weight`,
      `${b}.ffn_norm.weight`,
    ];
    const processor = names.filter((n) => n.startsWith('processor.'));
    expect(processor).toEqual([
      'processor.input_proj.weight',
      'processor.input_proj.bias',
      'processor.output_proj.weight',
      'processor.output_proj.bias',
      ...block('processor.encoder_layers.0'),
      ...block('processor.middle_layer'),
      ...block('processor.decoder_layers.0'),
      'processor.decoder_layers.0.skip_proj.weight',
      'processor.decoder_layers.0.skip_proj.bias',
    ]);
  });

  it('gives [B, q, out] across configurations and query sets', async () => {
    const cases: [GAOTConfig, number][] = [
      [TINY, 2],
      [{ ...TINY, inChannels: 1, outChannels: 3, magno: { ...TINY.magno, scales: [1, 1.5] } }, 1],
      [{ ...TINY, latentTokens: [6, 4], transformer: { hiddenSize: 8, numLayers: 2 } }, 1],
    ];
    for (const [k, [cfg, b]] of cases.entries()) {
      const model = new GAOT(rt, cfg);
      const queries = rng.uniforms(2 * 7, -0.9, 0.9);
      for (const q of k === 0 ? [undefined, queries] : [undefined]) {
        const g = await model.prepare(points, q);
        const f = rt.tensor(rng.normals(b * 60 * cfg.inChannels), [b, 60, cfg.inChannels]);
        const y = model.forward({ geometry: g, f });
        expect([...y.shape]).toEqual([b, q ? 7 : 60, cfg.outChannels]);
        expect((await y.read()).every(Number.isFinite)).toBe(true);
        g.destroy();
      }
    }
  });

  it('gives every parameter and the input a non-zero gradient', async () => {
    const model = new GAOT(rt, { ...TINY, magno: { ...TINY.magno, scales: [1, 1.4] } });
    const g = await model.prepare(points);
    const f = rt.tensor(rng.normals(2 * 60 * 2), [2, 60, 2], { requiresGrad: true });
    const y = model.forward({ geometry: g, f });
    sum(mul(y, rt.tensor(rng.normals(y.size), y.shape))).backward();
    await expectNonZeroGrads(rt, [...model.namedParameters(), ['f', f]]);
    g.destroy();
  });

  it('runs the same weights on a denser cloud; stateDict round-trips', async () => {
    const model = new GAOT(rt, TINY);
    const other = new GAOT(rt, { ...TINY, seed: 9 });
    other.loadStateDict(await model.stateDict());
    const dense = rng.uniforms(2 * 150, -1, 1);
    const outs: Float32Array[] = [];
    for (const [m, pts] of [
      [model, points],
      [model, dense],
      [other, dense],
    ] as const) {
      const g = await m.prepare(pts);
      const n = pts.length / 2;
      const f = rt.tensor(new Float32Array(2 * n * 2).fill(0.5), [2, n, 2]);
      const y = m.forward({ geometry: g, f });
      expect([...y.shape]).toEqual([2, n, 1]);
      outs.push(await y.read());
      g.destroy();
    }
    expect(outs[1].every(Number.isFinite)).toBe(true);
    expect(outs[2]).toEqual(outs[1]);
  });

  it('overfits a tiny problem to near zero loss', async () => {
    // Samples on 40 points: f = (a, a x), u = a sin(pi x / 2) cos(pi y / 2), one per amplitude a.
    const n = 40;
    const pts = new Rng(11).uniforms(2 * n, -1, 1); // its own stream: the same problem alone or not
    const [f, u] = [new Float32Array(B * n * 2), new Float32Array(B * n)];
    AMPLITUDES.forEach((a, b) => {
      for (let i = 0; i < n; i++) {
        const [x, y] = [pts[2 * i], pts[2 * i + 1]];
        f.set([a, a * x], 2 * (b * n + i));
        u[b * n + i] = a * Math.sin((Math.PI * x) / 2) * Math.cos((Math.PI * y) / 2);
      }
    });
    const model = new GAOT(rt, {
      ...TINY,
      magno: { ...TINY.magno, radius: 0.8, hiddenSize: 32 },
      transformer: { ...TINY.transformer, numLayers: 2 },
      seed: 4,
    });
    const g = await model.prepare(pts);
    const pred = model.forward({ geometry: g, f: rt.tensor(f, [B, n, 2]) });
    const loss = mean(square(sub(pred, rt.tensor(u, [B, n, 1]))));
    loss.backward();
    const adam = new Adam(model.namedParameters(), { lr: 1e-2 });
    const step = await rt.compile({ outputs: [loss], updates: [adam] });
    step.run();
    const first = (await loss.read())[0];
    const t0 = performance.now();
    for (let i = 1; i < STEPS; i++) {
      if (i === (STEPS * 3) / 4) adam.lr = 1e-3; // the last quarter at a tenth
      step.run();
    }
    const last = (await loss.read())[0];
    if (process.env.WGNO_PRINT_ERRORS)
      console.log({ first, last, msPerStep: (performance.now() - t0) / (STEPS - 1) });
    expect(last).toBeLessThan(first * 1e-3);
    step.destroy();
    g.destroy();
  });

  it('names what is wrong in the config and the inputs', async () => {
    const make = (cfg: Record<string, unknown>) => () =>
      new GAOT(rt, { ...TINY, ...cfg } as GAOTConfig);
    const t = TINY.transformer!;
    expectWgnoError(make({ inChannels: 0 }), 'GAOT', /inChannels = 0 must be a positive integer/);
    expectWgnoError(make({ coordDim: 3 }), 'GAOT', /coordDim = 3 is not supported: only 2-D/);
    expectWgnoError(
      make({ latentTokens: [6, 5] }),
      'GAOT',
      /latentTokens \[6, 5\] must be at least 2 per axis and divisible by transformer.patchSize = 2/,
    );
    expectWgnoError(
      make({ transformer: { ...t, numHeads: 3 } }),
      'GAOT',
      /hiddenSize = 16 must be numHeads \(3\) x a head dim of at most 128/,
    );
    expectWgnoError(
      make({ magno: { ...TINY.magno, scales: [] } }),
      'GAOT',
      /magno.scales must be a non-empty list/,
    );
    expectWgnoError(
      make({ magno: { ...TINY.magno, radius: -1 } }),
      'GAOT',
      /magno.radius = -1 must be a positive finite number/,
    );
    expectWgnoError(
      make({ magno: { ...TINY.magno, liftingChannels: 3 }, transformer: { ...t, patchSize: 1 } }),
      'GAOT',
      /patchSize\^2 x magno.liftingChannels = 3 must be a multiple of 4/,
    );
    expectWgnoError(
      () => new GAOT(rt, undefined as unknown as GAOTConfig),
      'GAOT',
      /config object/,
    );
    const model = new GAOT(rt, TINY);
    const g = await model.prepare(points);
    expectWgnoError(
      () => model.forward({ geometry: g, f: rt.tensor(new Float32Array(60), [1, 60, 1]) }),
      'GAOT',
      /f \[1, 60, 1\] must be \[batch, 60, 2\]/,
    );
    const f = rt.tensor(new Float32Array(120), [1, 60, 2]);
    expectWgnoError(
      () => model.forward({ geometry: {} as GAOTGeometry, f }),
      'GAOT',
      /geometry must come from `await model.prepare/,
    );
    const wider = new GAOT(rt, { ...TINY, latentTokens: [6, 4] });
    expectWgnoError(
      () => wider.forward({ geometry: g, f }),
      'GAOT',
      /geometry has 16 tokens and 1 scales, this model 6 x 4 tokens and 1: prepare it with this model/,
    );
    g.destroy();
  });
});
