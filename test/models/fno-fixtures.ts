/**
 * wgno's FNO against PyTorch fixtures (tools/fixtures/make_fno_fixtures.py, neuraloperator 2.x
 * semantics, float64 references stored as float32): outputs, the relative L2 loss, the gradient
 * of every parameter and of the input, and the same weights at 2x resolution.
 */
import { expect } from 'vitest';
import {
  FNO,
  h1Loss,
  lpLoss,
  parseSafetensors,
  type FNOConfig,
  type HostTensor,
  type Runtime,
} from '../../src/index';
import { relL2 } from '../util/compare';
import { loadFixture } from '../util/fixtures';

export const FNO_FIXTURES = [
  'fno1d',
  'fno2d',
  'fno2d_nonsquare',
  'fno2d_odd',
  'fno2d_padding',
  'fno3d',
];

/** TFNO fixtures (factorization 'tucker'; metadata tuckerRank holds tensorly's ranks). */
export const TFNO_FIXTURES = ['tfno2d'];

export async function checkFnoFixture(rt: Runtime, name: string): Promise<Record<string, number>> {
  const { tensors, metadata } = parseSafetensors(await loadFixture(`fno/${name}.safetensors`));
  const cfg = JSON.parse(metadata.config) as FNOConfig;
  const get = (k: string): HostTensor => {
    const t = tensors.get(k);
    if (!t) throw new Error(`${name}: fixture has no ${k}`);
    return t;
  };
  const model = new FNO(rt, { ...cfg, factorization: cfg.factorization ?? null });
  model.loadStateDict(tensors);
  if (metadata.tuckerRank) {
    const want = JSON.parse(metadata.tuckerRank) as number[];
    for (const [pname, p] of model.namedParameters())
      if (pname.endsWith('.weight.core'))
        expect([...p.shape], `${name}: Tucker rank of ${pname}`).toEqual(want);
  }

  const xin = get('__input__');
  const x = rt.tensor(xin.data, xin.shape, { requiresGrad: true });
  const y = model.forward(x);
  const target = get('__target__');
  const loss = lpLoss(y, rt.tensor(target.data, target.shape));
  loss.backward();

  // One step computes everything; each read() below then only copies.
  const params = model.namedParameters();
  await rt.evaluate([y, loss, x.grad!, ...params.map(([, p]) => p.grad!)]);
  const errors: Record<string, number> = {};
  errors.output = relL2(await y.read(), get('__output__').data);
  errors.loss = relL2(await loss.read(), get('__loss__').data);
  errors.gradInput = relL2(await x.grad!.read(), get('__grad_input__').data);
  let worstGrad = 0;
  for (const [pname, p] of params) {
    const e = relL2(await p.grad!.read(), get(`__grad__.${pname}`).data);
    expect(e, `${name}: gradient of ${pname}`).toBeLessThan(1e-4);
    worstGrad = Math.max(worstGrad, e);
    if (/\.weight\.(core|factors\.)/.test(pname)) errors[`grad ${pname.slice(11)}`] = e;
  }
  errors.worstParamGrad = worstGrad;
  expect(errors.output, `${name}: output`).toBeLessThan(1e-5);
  expect(errors.loss, `${name}: loss`).toBeLessThan(1e-5);
  expect(errors.gradInput, `${name}: input gradient`).toBeLessThan(1e-4);

  if (tensors.has('__input_2x__')) {
    const x2 = get('__input_2x__');
    errors.output2x = relL2(
      await model.forward(rt.tensor(x2.data, x2.shape)).read(),
      get('__output_2x__').data,
    );
    expect(errors.output2x, `${name}: output at 2x resolution`).toBeLessThan(1e-5);
  }
  return errors;
}

/** lpLoss and h1Loss (values and gradients w.r.t. the prediction) against neuraloperator's. */
export async function checkLossFixture(rt: Runtime, name: string): Promise<void> {
  const { tensors } = parseSafetensors(await loadFixture(`fno/${name}.safetensors`));
  const out = tensors.get('__output__')!;
  const tgt = tensors.get('__target__')!;
  for (const [fn, lossKey, gradKey] of [
    [lpLoss, '__loss__', '__grad_output__'],
    [h1Loss, '__h1_loss__', '__h1_grad_output__'],
  ] as const) {
    const pred = rt.tensor(out.data, out.shape, { requiresGrad: true });
    const loss = fn(pred, rt.tensor(tgt.data, tgt.shape));
    loss.backward();
    expect(
      relL2(await loss.read(), tensors.get(lossKey)!.data),
      `${name}: ${lossKey}`,
    ).toBeLessThan(1e-5);
    expect(
      relL2(await pred.grad!.read(), tensors.get(gradKey)!.data),
      `${name}: ${gradKey}`,
    ).toBeLessThan(1e-4);
  }
}
