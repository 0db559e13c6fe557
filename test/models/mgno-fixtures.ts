/**
 * wgno's MgNO against the PyTorch transcription of the official MgNO_DC / MgNO_NS
 * (test/fixtures/mgno/mgno_torch.py, make_fixtures.py; float64 references stored as float32):
 * the output and the gradients of loss = sum(out * cot) w.r.t. every parameter and the input.
 */
import { expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import { MgNO, type MgNOConfig } from '../../src/models/mgno';
import type { HostTensor } from '../../src/io/host_tensor';
import { parseSafetensors } from '../../src/io/safetensors';
import { compareAll, stateDictOf } from '../nn/gno_block_fixtures';
import { loadFixture } from '../util/fixtures';

export const MGNO_FIXTURES = ['darcy_zeros', 'darcy_reflect_linear', 'ns_circular', 'ns_res_mlp'];

/** Relative L2 errors of the output and every gradient against the fixture's. */
export async function checkMgNOFixture(rt: Runtime, name: string): Promise<Record<string, number>> {
  const { tensors, metadata } = parseSafetensors(await loadFixture(`mgno/${name}.safetensors`));
  const get = (k: string): HostTensor => {
    const t = tensors.get(k);
    if (!t) throw new Error(`${name}: fixture has no ${k}`);
    return t;
  };
  const model = new MgNO(rt, JSON.parse(metadata.config) as MgNOConfig);
  const sd = stateDictOf(tensors, ['x']);
  model.loadStateDict(sd); // strict: every official key but the unused norm_list.* is a parameter
  const official = [...sd.keys()].filter((k) => !k.startsWith('norm_list.')).sort();
  expect(
    model
      .namedParameters()
      .map(([k]) => k)
      .sort(),
    `${name}: names`,
  ).toEqual(official);
  const x = rt.tensor(get('x').data, get('x').shape, { requiresGrad: true, label: 'x' });
  const out = model.forward(x);
  const named: [string, Tensor][] = [...model.namedParameters(), ['x', x]];
  return compareAll(rt, out, named, get);
}

/** Output and gradients to ~1e-5 relative L2 (float32 through a few dozen 3x3 convolutions). */
export function expectMgNOErrors(name: string, errors: Record<string, number>): void {
  expect(Object.keys(errors).length, `${name}: gradients checked`).toBeGreaterThan(10);
  for (const [k, e] of Object.entries(errors))
    expect(e, `${name}: ${k} relative L2`).toBeLessThanOrEqual(k === 'output' ? 5e-6 : 2e-5);
}
