/**
 * SinusoidalEmbedding's GPU path (embedTensor): the op-table checks on the recorded ops, agreement
 * with the host path, and a GNOBlock fed coordinate tensors against the neuraloperator fixtures,
 * its coordinate gradient checked as the chain rule through the host embedding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import { mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { Rng } from '../../src/random';
import { SinusoidalEmbedding, type SinusoidalEmbeddingConfig } from '../../src/nn/embedding';
import { GNOBlock, type GNOBlockConfig } from '../../src/nn/gno_block';
import { opSuite, type OpCase } from '../ops/harness';
import { relL2 } from '../util/compare';
import { compareAll, csrOf, expectErrors, openFixture, stateDictOf } from './gno_block_fixtures';

const transformer = { inChannels: 2, numFrequencies: 3, maxPositions: 100 };
const nerf: SinusoidalEmbeddingConfig = { inChannels: 2, numFrequencies: 4, embeddingType: 'nerf' };
const configs: [string, SinusoidalEmbeddingConfig, number[]][] = [
  ['transformer n=1', transformer, [1, 2]],
  ['transformer n=7', transformer, [7, 2]],
  ['transformer batched 3-D', { ...transformer, inChannels: 3 }, [2, 5, 3]],
  ['nerf n=13', nerf, [13, 2]],
];
opSuite(
  'SinusoidalEmbedding.embedTensor',
  configs.map(([name, cfg, shape]): OpCase => {
    const emb = new SinusoidalEmbedding(cfg);
    return {
      name: `${name} ${JSON.stringify(shape)}`,
      inputs: [{ shape }],
      fn: (p) => emb.embedTensor(p),
      // The reference multiplies by the same f32-rounded frequencies the GPU reads.
      constants: ([p]) => [[emb.frequencyTensor(p.rt), Float32Array.from(emb.frequencies)]],
    };
  }),
);

/**
 * The coordinate gradient from G = d loss / d embedding, in float64:
 * sum over k of w_k (G_sin cos(w_k p) - G_cos sin(w_k p)).
 */
function chainRule(emb: SinusoidalEmbedding, p: ArrayLike<number>, g: ArrayLike<number>) {
  const w = emb.frequencies;
  return Float64Array.from({ length: p.length }, (_, c) =>
    w.reduce((s, wk, k) => {
      const o = c * 2 * w.length + 2 * k;
      return s + wk * (g[o] * Math.cos(wk * p[c]) - g[o + 1] * Math.sin(wk * p[c]));
    }, 0),
  );
}

describe('SinusoidalEmbedding on the GPU', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  it('matches the host embedding (both styles, 2-D and 3-D points in the unit cube)', async () => {
    const rng = new Rng(7);
    for (const cfg of [transformer, nerf, { ...transformer, inChannels: 3, numFrequencies: 32 }]) {
      const emb = new SinusoidalEmbedding(cfg);
      const p = Float32Array.from(rng.uniforms(40 * cfg.inChannels, 0, 1));
      const gpu = await emb.embedTensor(rt.tensor(p, [40, cfg.inChannels])).read();
      expect(gpu.length).toBe(40 * emb.outChannels);
      expect(relL2(gpu, emb.embed(p)), JSON.stringify(cfg)).toBeLessThanOrEqual(1e-6);
    }
    const emb = new SinusoidalEmbedding(transformer);
    expect(() => emb.embedTensor(rt.tensor(new Float32Array(6), [2, 3]))).toThrow(
      /SinusoidalEmbedding: coordinates \[2, 3\] must end in the dimension 2/,
    );
  });

  for (const name of [
    'block_transformer_linear',
    'block_nerf_nonlinear_mean',
    'block_3d_kernel_only',
  ])
    it(`GNOBlock on coordinate tensors matches neuraloperator and differentiates them: ${name}`, async () => {
      const { tensors, metadata, get } = await openFixture(name);
      const block = new GNOBlock(rt, JSON.parse(metadata.config) as GNOBlockConfig);
      block.loadStateDict(stateDictOf(tensors, ['x', 'y', 'f_y']));
      const leaf = (k: string, data: ArrayLike<number> = get(k).data, shape = get(k).shape) =>
        rt.tensor(data, shape, { requiresGrad: true, label: k });
      const [y, x] = [leaf('y'), leaf('x')];
      const fY = tensors.has('f_y') ? leaf('f_y') : undefined;
      const nb = csrOf(rt, get, 'neighbors', get('y').shape[0]);
      try {
        const out = block.forward({ y, x, fY, neighbors: nb });
        const named: [string, Tensor][] = [...block.namedParameters()];
        if (fY) named.push(['f_y', fY]);
        expectErrors(name, await compareAll(rt, out, named, get), 2);
        // The gradient w.r.t. the host embeddings as leaves, pulled back through the embedding.
        const emb = block.posEmbedding!;
        const embedded = (k: 'y' | 'x') =>
          leaf(`embedded ${k}`, emb.embed(get(k).data), [get(k).shape[0], emb.outChannels]);
        const [ey, ex] = [embedded('y'), embedded('x')];
        const cot = get('__cot__');
        const out2 = block.integralTransform.forward({ y: ey, x: ex, fY, neighbors: nb });
        sum(mul(out2, rt.tensor(cot.data, cot.shape))).backward();
        for (const [k, p, e] of [
          ['y', y, ey],
          ['x', x, ex],
        ] as const) {
          const want = chainRule(emb, get(k).data, await e.grad!.read());
          expect(relL2(await p.grad!.read(), want), `${name}: grad ${k}`).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        nb.destroy();
      }
    });
});
