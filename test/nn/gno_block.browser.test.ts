import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { sum } from '../../src/ops/reduce';
import { Rng } from '../../src/random';
import { SinusoidalEmbedding } from '../../src/nn/embedding';
import { GNOBlock } from '../../src/nn/gno_block';
import {
  BLOCK_FIXTURES,
  ballNeighborhoods,
  checkBlockFixture,
  expectErrors,
  expectNonZeroGrads,
} from './gno_block_fixtures';

describe('GNOBlock', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of BLOCK_FIXTURES)
    it(`matches neuraloperator: ${name}`, async () =>
      expectErrors(name, await checkBlockFixture(rt, name)));

  it('SinusoidalEmbedding follows its formula in both styles', () => {
    const p = [0.3, -0.7, 1.5, 0.25];
    for (const [type, w] of [
      ['transformer', (k: number) => 100 ** (-(2 * k) / 3)],
      ['nerf', (k: number) => 2 ** k * Math.PI],
    ] as const) {
      const emb = new SinusoidalEmbedding({
        inChannels: 2,
        numFrequencies: 3,
        embeddingType: type,
        maxPositions: 100,
      });
      expect(emb.outChannels).toBe(12);
      const out = emb.embed(p);
      expect(out.length).toBe(24);
      for (let i = 0; i < 4; i++)
        for (let k = 0; k < 3; k++) {
          const o = Math.floor(i / 2) * 12 + (i % 2) * 6 + 2 * k;
          expect(out[o], `${type} sin p${i} k${k}`).toBeCloseTo(Math.sin(w(k) * p[i]), 6);
          expect(out[o + 1], `${type} cos p${i} k${k}`).toBeCloseTo(Math.cos(w(k) * p[i]), 6);
        }
    }
    const bad = (cfg: object) => () =>
      new SinusoidalEmbedding({ inChannels: 2, numFrequencies: 3, ...cfg });
    expect(bad({ numFrequencies: 0 })).toThrow(/numFrequencies must be an integer >= 1, got 0/);
    expect(bad({ embeddingType: 'rope' })).toThrow(
      /embeddingType 'rope' is invalid; use 'transformer' or 'nerf'/,
    );
    expect(bad({ maxPositions: -1 })).toThrow(/maxPositions must be a finite number > 0/);
    expect(() =>
      new SinusoidalEmbedding({ inChannels: 2, numFrequencies: 3 }).embed([1, 2, 3]),
    ).toThrow(/3 values, not a positive multiple of the dimension 2/);
  });

  it("has neuraloperator's kernel widths and state_dict names (its docstring example)", () => {
    // neuraloperator: GNOBlock(in_channels=2, out_channels=12, coord_dim=3, radius=0.035) has
    // Linear(384, 128), Linear(128, 256), Linear(256, 128), Linear(128, 12).
    const gno = new GNOBlock(rt, { inChannels: 2, outChannels: 12, coordDim: 3, radius: 0.035 });
    expect(gno.namedParameters().map(([k, t]) => `${k} ${t.shape.join('x')}`)).toEqual([
      'integral_transform.channel_mlp.fcs.0.weight 128x384',
      'integral_transform.channel_mlp.fcs.0.bias 128',
      'integral_transform.channel_mlp.fcs.1.weight 256x128',
      'integral_transform.channel_mlp.fcs.1.bias 256',
      'integral_transform.channel_mlp.fcs.2.weight 128x256',
      'integral_transform.channel_mlp.fcs.2.bias 128',
      'integral_transform.channel_mlp.fcs.3.weight 12x128',
      'integral_transform.channel_mlp.fcs.3.bias 12',
    ]);
    const nl = new GNOBlock(rt, {
      inChannels: 5,
      outChannels: 4,
      coordDim: 2,
      radius: 0.1,
      transformType: 'nonlinear',
      posEmbeddingType: null,
      channelMlpLayers: [9, 4],
    });
    // 2 + 2 + 5 = 9 is already first and 4 already last: nothing is added.
    expect(nl.integralTransform.channelMlp.layers).toEqual([9, 4]);
  });

  it('gives [batch, m, out] for a batched f, and every parameter a gradient', async () => {
    const rng = new Rng(3);
    const [n, m, d] = [11, 7, 3];
    const y = rng.uniforms(n * d, 0, 1);
    const x = rng.uniforms(m * d, 0, 1);
    const nb = ballNeighborhoods(rt, y, x, d, 0.7);
    const gno = new GNOBlock(rt, {
      inChannels: 4,
      outChannels: 4,
      coordDim: d,
      radius: 0.7,
      transformType: 'nonlinear',
      posEmbeddingType: 'nerf',
      posEmbeddingChannels: 2,
      channelMlpLayers: [8],
    });
    const fY = rt.tensor(rng.normals(3 * n * 4), [3, n, 4], { requiresGrad: true });
    const out = gno.forward({ y, x, fY, neighbors: nb });
    expect(out.shape).toEqual([3, m, 4]);
    sum(out).backward();
    await expectNonZeroGrads(rt, [...gno.namedParameters(), ['fY', fY]]);
    // x defaults to y: the queries are the points themselves.
    const self = ballNeighborhoods(rt, y, y, d, 0.7);
    expect(gno.forward({ y, fY, neighbors: self }).shape).toEqual([3, n, 4]);
    nb.destroy();
    self.destroy();
  });

  it('rejects bad configurations and inputs with clear errors', () => {
    const base = { inChannels: 2, outChannels: 2, coordDim: 2, radius: 0.5 };
    expect(() => new GNOBlock(rt, { ...base, radius: 0 })).toThrow(
      /GNOBlock: radius must be a finite number > 0, got 0/,
    );
    expect(() => new GNOBlock(rt, { ...base, coordDim: 0 })).toThrow(
      /coordDim must be an integer >= 1/,
    );
    expect(() => new GNOBlock(rt, { ...base, posEmbeddingType: 'grid' as never })).toThrow(
      /posEmbeddingType 'grid' is invalid; use 'transformer', 'nerf' or null/,
    );
    expect(() => new GNOBlock(rt, { ...base, transformType: 'cubic' as never })).toThrow(
      /transformType 'cubic' is invalid/,
    );
    const y = [0, 0, 0.3, 0, 0, 0.3];
    const nb = ballNeighborhoods(rt, y, y, 2, 0.5);
    const gno = new GNOBlock(rt, { ...base, posEmbeddingChannels: 2, channelMlpLayers: [4] });
    const fY = rt.tensor(new Float32Array(6), [3, 2]);
    // 3-D coordinates given to a 2-D block: 9 values are not 3 points x 2.
    expect(() => gno.forward({ y: [0, 0, 0, 0.3, 0, 0, 0, 0.3, 0], fY, neighbors: nb })).toThrow(
      /y has 9 coordinates; expected 3 data points \(the neighbourhoods'\) x coordDim 2 = 6/,
    );
    expect(() => gno.forward({ y, x: [0, 0], fY, neighbors: nb })).toThrow(
      /x has 2 coordinates; expected 3 queries/,
    );
    // A coordinate tensor is embedded on the GPU (embedding.browser.test.ts); its shape is checked.
    const y3 = rt.tensor(new Float32Array(9), [3, 3]);
    expect(() => gno.forward({ y: y3, fY, neighbors: nb })).toThrow(
      /y \[3, 3\] must be \[3, 2\]: the neighbourhoods' data points, coordDim 2/,
    );
    const raw = new GNOBlock(rt, { ...base, posEmbeddingType: null, channelMlpLayers: [4] });
    expect(() =>
      raw.forward({ y: rt.tensor(new Float32Array(9), [3, 3]), fY, neighbors: nb }),
    ).toThrow(/y \[3, 3\] must be \[3, 2\]: the neighbourhoods' data points, coordDim 2/);
    const f3 = rt.tensor(new Float32Array(9), [3, 3]);
    expect(() => raw.forward({ y, fY: f3, neighbors: nb })).toThrow(
      /outputs 2 channels but multiplies f\(y_j\) with 3; they must be equal/,
    );
    nb.destroy();
  });
});
