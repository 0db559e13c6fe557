/**
 * wgno's DeepONet / DeepONetCartesianProd against PyTorch fixtures
 * (tools/fixtures/make_deeponet_fixtures.py, a transcription of DeepXDE's FNN, DeepONet,
 * DeepONetCartesianProd and multi-output strategies; float64 references stored as float32):
 * the output and the gradients of loss = sum(out * cot) w.r.t. every parameter and both inputs.
 */
import { expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import { DeepONet, DeepONetCartesianProd, type DeepONetConfig } from '../../src/models/deeponet';
import type { HostTensor } from '../../src/io/host_tensor';
import { parseSafetensors } from '../../src/io/safetensors';
import { compareAll, stateDictOf } from '../nn/gno_block_fixtures';
import { loadFixture } from '../util/fixtures';

export const DEEPONET_FIXTURES = [
  'cartesian_relu',
  'cartesian_split_branch_tanh',
  'cartesian_independent_gelu_sin',
  'cartesian_split_both_sigmoid',
  'aligned_tanh',
  'aligned_split_trunk_sin',
];

/** Relative L2 errors of the output and every gradient against the fixture's. */
export async function checkDeepONetFixture(
  rt: Runtime,
  name: string,
): Promise<Record<string, number>> {
  const { tensors, metadata } = parseSafetensors(await loadFixture(`deeponet/${name}.safetensors`));
  const get = (k: string): HostTensor => {
    const t = tensors.get(k);
    if (!t) throw new Error(`${name}: fixture has no ${k}`);
    return t;
  };
  const cfg = JSON.parse(metadata.config) as DeepONetConfig;
  const Model = metadata.class === 'DeepONet' ? DeepONet : DeepONetCartesianProd;
  const model = new Model(rt, cfg);
  const sd = stateDictOf(tensors, ['x_func', 'x_loc']);
  model.loadStateDict(sd);
  expect(
    model
      .namedParameters()
      .map(([k]) => k)
      .sort(),
    `${name}: names`,
  ).toEqual([...sd.keys()].sort());
  const leaf = (k: string): Tensor =>
    rt.tensor(get(k).data, get(k).shape, { requiresGrad: true, label: k });
  const [xFunc, xLoc] = [leaf('x_func'), leaf('x_loc')];
  const out = model.forward(xFunc, xLoc);
  const named: [string, Tensor][] = [
    ...model.namedParameters(),
    ['x_func', xFunc],
    ['x_loc', xLoc],
  ];
  return compareAll(rt, out, named, get);
}

/** Forward to ~1e-6 and gradients to ~1e-5 relative L2 (float32 sums of a few dozen terms). */
export function expectDeepONetErrors(name: string, errors: Record<string, number>): void {
  expect(Object.keys(errors).length, `${name}: gradients checked`).toBeGreaterThan(4);
  for (const [k, e] of Object.entries(errors))
    expect(e, `${name}: ${k} relative L2`).toBeLessThanOrEqual(k === 'output' ? 2e-6 : 1e-5);
}
