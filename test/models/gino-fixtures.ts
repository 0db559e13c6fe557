/**
 * wgno's GINO against PyTorch fixtures (tools/fixtures/make_gino_fixtures.py, a transcription of
 * neuraloperator 2.x GINO, float64 references stored as float32): the output and the gradients of
 * loss = sum(out * cot) w.r.t. every parameter, x and the latent features.
 */
import { expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import type { Neighborhoods } from '../../src/geometry/relations';
import { GINO, type GINOConfig } from '../../src/models/gino';
import { compareAll, csrOf, openFixture, stateDictOf } from '../nn/gno_block_fixtures';

export const GINO_FIXTURES = ['gino2d_linear', 'gino2d_nonlinear_nerf', 'gino3d_kernel_only'];

const INPUTS = ['input_geom', 'latent_queries', 'output_queries', 'x', 'latent_features'];

export async function checkGinoFixture(rt: Runtime, name: string): Promise<Record<string, number>> {
  const { tensors, metadata, get } = await openFixture(name);
  const cfg = JSON.parse(metadata.config) as GINOConfig;
  const model = new GINO(rt, cfg);
  const sd = stateDictOf(tensors, INPUTS);
  model.loadStateDict(sd);
  expect(model.namedParameters().length, `${name}: parameters`).toBe(sd.size);
  const leaf = (k: string): Tensor | undefined =>
    tensors.has(k)
      ? rt.tensor(get(k).data, get(k).shape, { requiresGrad: true, label: k })
      : undefined;
  const [x, latentFeatures] = [leaf('x'), leaf('latent_features')];
  const latentQueries = get('latent_queries');
  const nbs: Neighborhoods[] = [];
  try {
    const inNeighbors = csrOf(rt, get, 'in_neighbors', get('input_geom').shape[0]);
    nbs.push(inNeighbors);
    const outNeighbors = csrOf(rt, get, 'out_neighbors', latentQueries.shape[0]);
    nbs.push(outNeighbors);
    const out = model.forward({
      inputGeom: get('input_geom').data,
      latentQueries: latentQueries.data,
      latentShape: JSON.parse(metadata.latent_shape) as number[],
      outputQueries: get('output_queries').data,
      x,
      latentFeatures,
      inNeighbors,
      outNeighbors,
    });
    const named: [string, Tensor][] = [...model.namedParameters()];
    if (x) named.push(['x', x]);
    if (latentFeatures) named.push(['latent_features', latentFeatures]);
    return await compareAll(rt, out, named, get);
  } finally {
    for (const nb of nbs) nb.destroy();
  }
}
