import { WgnoError } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import { checkShape, numel, type DType, type Shape } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import type { Engine } from '../graph/engine';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/fill.wgsl?raw';
import { requireFinite } from './elementwise';
import type { OpDef } from '../graph/op';

export interface FillAttrs {
  readonly shape: Shape;
  readonly value: number;
  readonly dtype: DType;
}

export const fillParams = new UniformLayout('FillParams', { n: 'u32', value: 'f32' });
const kernel = defineKernel({ name: 'fill', source, params: fillParams, storage: ['read_write'] });

/** A constant tensor computed on the GPU (no upload): the seed of backward, zeros, ones. */
export const fillDef: OpDef<FillAttrs> = {
  name: 'fill',
  infer(_inputs, { shape, value, dtype }) {
    checkShape('fill', 'shape', shape);
    requireFinite('fill', 'value', value);
    if (dtype !== 'f32' && dtype !== 'complex64')
      throw new WgnoError('fill', `dtype '${String(dtype)}' is not supported`);
    return { shape, dtype };
  },
  lower({ out, attrs }) {
    const n = numel(out.shape) * (out.dtype === 'complex64' ? 2 : 1);
    return {
      dispatches: [
        {
          kernel,
          params: { n, value: attrs.value },
          bindings: [{ output: true }],
          grid: grid1d(n),
        },
      ],
    };
  },
  vjp: () => [],
  reference: (_x, _s, { value }, out) =>
    new Float64Array(numel(out.shape) * (out.dtype === 'complex64' ? 2 : 1)).fill(value),
};

/** A tensor of `shape` filled with `value` (complex64: re and im both set to value). */
export function fill(rt: Engine, shape: Shape, value: number, dtype: DType = 'f32'): Tensor {
  return apply('fill', [], { shape: [...shape], value, dtype }, rt);
}

declare module '../graph/registry' {
  interface OpAttrs {
    fill: FillAttrs;
  }
}

registerOp('fill', fillDef);
