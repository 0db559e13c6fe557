/**
 * wgno's IntegralTransform against PyTorch fixtures (tools/fixtures/make_gno_fixtures.py, a
 * transcription of neuraloperator 2.x, float64 references stored as float32): the output, and
 * the gradients of loss = sum(out * cot) with respect to every parameter and input.
 */
import { expect } from 'vitest';
import { mul, sum, type HostTensor, type Runtime, type Tensor } from '../../src/index';
import { parseSafetensors } from '../../src/io/safetensors';
import { neighborhoods } from '../../src/geometry/relations';
import { IntegralTransform, type TransformType } from '../../src/nn/integral_transform';
import { relL2 } from '../util/compare';
import { loadFixture } from '../util/fixtures';

export const GNO_FIXTURES = [
  'linear_kernelonly_sum',
  'linear_kernelonly_mean',
  'linear_sum',
  'linear_mean',
  'nonlinear_kernelonly_sum',
  'nonlinear_kernelonly_mean',
  'nonlinear_sum',
  'nonlinear_mean',
  'linear_weighted',
  'nonlinear_weighted',
  'nonlinear_self',
  'linear_batched_weighted',
  'nonlinear_kernelonly_batched',
  'nonlinear_batched',
];

/** Relative L2 errors of the output and of every gradient the fixture holds. */
export async function checkGnoFixture(rt: Runtime, name: string): Promise<Record<string, number>> {
  const { tensors, metadata } = parseSafetensors(await loadFixture(`gno/${name}.safetensors`));
  const get = (k: string): HostTensor => {
    const t = tensors.get(k);
    if (!t) throw new Error(`${name}: fixture has no ${k}`);
    return t;
  };
  const gno = new IntegralTransform(rt, {
    channelMlpLayers: JSON.parse(metadata.channel_mlp_layers) as number[],
    transformType: metadata.transform_type as TransformType,
    reduction: metadata.reduction as 'sum' | 'mean',
  });
  const params = gno.namedParameters();
  gno.loadStateDict(new Map(params.map(([k]) => [k, get(k)])));
  const leaf = (k: string): Tensor | undefined => {
    const h = tensors.get(k);
    return h ? rt.tensor(h.data, h.shape, { requiresGrad: true, label: k }) : undefined;
  };
  const inputs = { y: leaf('y')!, x: leaf('x'), fY: leaf('f_y'), weights: leaf('weights') };
  const nb = neighborhoods(rt, {
    rowSplits: get('neighbors_row_splits').data,
    index: get('neighbors_index').data,
    nPoints: inputs.y.shape[0],
  });
  try {
    const out = gno.forward({ ...inputs, neighbors: nb });
    const cot = get('__cot__');
    sum(mul(out, rt.tensor(cot.data, cot.shape))).backward();
    const named: [string, Tensor][] = [
      ...params,
      ...(Object.entries({
        y: inputs.y,
        x: inputs.x,
        f_y: inputs.fY,
        weights: inputs.weights,
      }).filter(([, t]) => t) as [string, Tensor][]),
    ];
    await rt.evaluate([out, ...named.map(([, t]) => t.grad!)]);
    const errors: Record<string, number> = {
      output: relL2(await out.read(), get('__output__').data),
    };
    for (const [k, t] of named)
      errors[`grad.${k}`] = relL2(await t.grad!.read(), get(`grad.${k}`).data);
    return errors;
  } finally {
    nb.destroy();
  }
}

export function expectGnoErrors(name: string, errors: Record<string, number>): void {
  expect(Object.keys(errors).length, `${name}: gradients checked`).toBeGreaterThan(4);
  for (const [k, e] of Object.entries(errors))
    expect(e, `${name}: ${k} relative L2`).toBeLessThanOrEqual(k === 'output' ? 1e-5 : 1e-4);
}
