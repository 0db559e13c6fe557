/**
 * wgno's GNO model against PyTorch fixtures (tools/fixtures/make_gino_fixtures.py, the same
 * architecture written with the transcribed neuraloperator GNOBlock; float64 references stored as
 * float32): output and the gradients w.r.t. every parameter, f and (raw coordinates) the points.
 */
import { expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import { GNO, type GNOConfig } from '../../src/models/gno';
import { compareAll, csrOf, openFixture, stateDictOf } from '../nn/gno_block_fixtures';

export const GNO_MODEL_FIXTURES = ['gno2d_raw', 'gno2d_transformer_nonlinear'];

export async function checkGnoModelFixture(rt: Runtime, name: string) {
  const { tensors, metadata, get } = await openFixture(name);
  const cfg = JSON.parse(metadata.config) as GNOConfig;
  const model = new GNO(rt, cfg);
  const sd = stateDictOf(tensors, ['points', 'f']);
  model.loadStateDict(sd);
  expect(model.namedParameters().length, `${name}: parameters`).toBe(sd.size);
  const leaf = (k: string): Tensor =>
    rt.tensor(get(k).data, get(k).shape, { requiresGrad: true, label: k });
  const raw = (cfg.posEmbeddingType ?? null) === null;
  const points = raw ? leaf('points') : get('points').data;
  const f = leaf('f');
  const nb = csrOf(rt, get, 'neighbors', get('points').shape[0]);
  try {
    const out = model.forward({ points, f, neighbors: nb });
    const named: [string, Tensor][] = [...model.namedParameters(), ['f', f]];
    if (raw) named.push(['points', points as Tensor]);
    return await compareAll(rt, out, named, get);
  } finally {
    nb.destroy();
  }
}
