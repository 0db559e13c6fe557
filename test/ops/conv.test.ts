// The conv references and GPU ops against PyTorch (test/fixtures/conv/make_conv_fixtures.py):
// Conv2d with zeros, circular and reflect padding_mode at strides 1 and 2, and ConvTranspose2d;
// outputs and the gradients of sum(y * cot) with respect to x and the weight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { conv2d, convTranspose2d } from '../../src/ops/conv';
import {
  convOut,
  referenceConv,
  referenceConvTranspose,
  referenceConvWeightGrad,
  type ConvDims,
  type ConvGeometry,
  type PadMode,
} from '../../src/ops/conv_reference';
import type { HostTensor } from '../../src/io/host_tensor';
import { parseSafetensors } from '../../src/io/safetensors';
import { loadFixture } from '../util/fixtures';
import { relL2 } from '../util/compare';

interface Case {
  kind: 'conv' | 'transpose';
  stride: number;
  padding: PadMode | number;
}

const { tensors, metadata } = parseSafetensors(await loadFixture('conv/conv.safetensors'));
const cases = Object.entries(JSON.parse(metadata.cases) as Record<string, Case>);
const get = (name: string, key: string): HostTensor => {
  const t = tensors.get(`${name}.${key}`);
  if (!t) throw new Error(`conv fixture has no ${name}.${key}`);
  return t;
};
const f64 = (t: HostTensor) => Float64Array.from(t.data);

/** The geometry and sizes of the conv a case is (for a transposed one: the conv it is adjoint to). */
function convOf(name: string, c: Case): { d: ConvDims; g: ConvGeometry } {
  const [x, w, y] = ['x', 'w', 'y'].map((k) => get(name, k).shape);
  const k = w[2];
  if (c.kind === 'conv') {
    const g = { k, stride: c.stride, pad: (k - 1) / 2, mode: c.padding as PadMode };
    const d = { batch: x[0], cin: x[1], cout: w[0], h: x[2], w: x[3], ho: y[2], wo: y[3] };
    return { d, g };
  }
  const g = { k, stride: c.stride, pad: c.padding as number, mode: 'zeros' as const };
  return { d: { batch: x[0], cin: w[1], cout: w[0], h: y[2], w: y[3], ho: x[2], wo: x[3] }, g };
}

describe('conv references vs PyTorch', () => {
  for (const [name, c] of cases)
    it(`${name}: forward, x and weight gradients`, () => {
      const { d, g } = convOf(name, c);
      const [x, w, cot] = ['x', 'w', 'cot'].map((k) => f64(get(name, k)));
      expect(convOut(d.h, g)).toBe(d.ho);
      const [y, gx, gw] =
        c.kind === 'conv'
          ? [
              referenceConv(x, w, d, g),
              referenceConvTranspose(cot, w, d, g),
              referenceConvWeightGrad(x, cot, d, g),
            ]
          : [
              referenceConvTranspose(x, w, d, g),
              referenceConv(cot, w, d, g),
              referenceConvWeightGrad(cot, x, d, g),
            ];
      // The fixture is float64 PyTorch rounded to f32 once.
      expect(relL2(y, get(name, 'y').data)).toBeLessThan(1e-6);
      expect(relL2(gx, get(name, 'gx').data)).toBeLessThan(1e-6);
      expect(relL2(gw, get(name, 'gw').data)).toBeLessThan(1e-6);
    });

  it('reflect folds the halo onto the mirrored entries, circular onto the wrapped ones', () => {
    // A 1 x 3 all-ones kernel over [1, 2, 3] (one row): reflect pads to [2, 1, 2, 3, 2].
    const d = { batch: 1, cin: 1, cout: 1, h: 1, w: 3, ho: 1, wo: 3 };
    const w = Float64Array.from([0, 0, 0, 1, 1, 1, 0, 0, 0]);
    const x = Float64Array.from([1, 2, 3]);
    const g = (mode: PadMode): ConvGeometry => ({ k: 3, stride: 1, pad: 1, mode });
    const dh = { ...d, h: 3, w: 3, ho: 3, wo: 3 }; // reflect needs H > 1: use a 3 x 3 of rows
    const x3 = Float64Array.from([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect([...referenceConv(x3, w, dh, g('reflect'))]).toEqual([5, 6, 7, 5, 6, 7, 5, 6, 7]);
    expect([...referenceConv(x, w, d, g('circular'))]).toEqual([6, 6, 6]);
    expect([...referenceConv(x, w, d, g('zeros'))]).toEqual([3, 6, 5]);
    // Adjoint of reflect on one row: y = [1, 0, 0] reaches x at -1 -> 1, 0, 1: x1 gets 2.
    const y = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...referenceConvTranspose(y, w, dh, g('reflect'))].slice(0, 3)).toEqual([1, 2, 0]);
  });
});

for (const kernels of ['lane', 'workgroup'] as const)
  describe(`conv ops on the GPU vs PyTorch (node, ${kernels} kernels)`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await init({ kernels });
    });
    afterAll(() => rt?.destroy());

    for (const [name, c] of cases)
      it(`${name}: forward and both gradients`, async () => {
        const t = (k: string, grad = false) => {
          const h = get(name, k);
          return rt.tensor(h.data, h.shape, { requiresGrad: grad });
        };
        const [x, w] = [t('x', true), t('w', true)];
        const y =
          c.kind === 'conv'
            ? conv2d(x, w, { stride: c.stride, padding: c.padding as PadMode })
            : convTranspose2d(x, w, { stride: c.stride, padding: c.padding as number });
        sum(mul(y, t('cot'))).backward();
        expect(relL2(await y.read(), get(name, 'y').data)).toBeLessThan(1e-5);
        expect(relL2(await x.grad!.read(), get(name, 'gx').data)).toBeLessThan(1e-5);
        expect(relL2(await w.grad!.read(), get(name, 'gw').data)).toBeLessThan(1e-5);
      });
  });
