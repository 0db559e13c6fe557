/**
 * concat: join tensors along one axis. One dispatch per input copies it into its rows of the
 * output (kernels/concat.wgsl); the VJP hands each input its slice of the gradient.
 */
import { WgnoError, fmtShape } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import { byteSize, normAxis, numel, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/concat.wgsl?raw';
import { wordsOf } from './layout';
import type { OpDef } from '../graph/op';
import { slice } from './pad';

export const concatParams = new UniformLayout('ConcatParams', {
  n: 'u32',
  inner: 'u32',
  len: 'u32',
  out_len: 'u32',
  offset: 'u32',
});
const kernel = defineKernel({
  name: 'concat',
  source,
  params: concatParams,
  storage: ['read', 'read_write'],
});

/** Each input viewed as [outer, len, inner]: inner counts f32 words after the axis. */
function view(x: TensorSpec, axis: number): { outer: number; len: number; inner: number } {
  return {
    outer: numel(x.shape.slice(0, axis)),
    len: x.shape[axis],
    inner: numel(x.shape.slice(axis + 1)) * wordsOf(x.dtype),
  };
}

/** Start of each input along the axis. */
function offsets(inputs: readonly TensorSpec[], axis: number): number[] {
  let at = 0;
  return inputs.map((x) => {
    const o = at;
    at += x.shape[axis];
    return o;
  });
}

export const concatDef: OpDef<{ readonly axis: number }> = {
  name: 'concat',
  infer(inputs, { axis }) {
    if (inputs.length === 0) throw new WgnoError('concat', 'needs at least one input');
    const [x0] = inputs;
    const a = normAxis('concat', axis, x0.shape.length);
    inputs.forEach((x, i) => {
      const same =
        x.shape.length === x0.shape.length && x.shape.every((d, k) => k === a || d === x0.shape[k]);
      if (!same) {
        throw new WgnoError(
          'concat',
          `input ${i} has shape ${fmtShape(x.shape)} but input 0 has ${fmtShape(x0.shape)}; shapes must match except along axis ${axis}`,
        );
      }
      if (x.dtype !== x0.dtype)
        throw new WgnoError(
          'concat',
          `input ${i} has dtype ${x.dtype} but input 0 has ${x0.dtype}`,
        );
    });
    const total = inputs.reduce((s, x) => s + x.shape[a], 0);
    return { shape: x0.shape.map((d, k) => (k === a ? total : d)), dtype: x0.dtype };
  },
  lower({ inputs, out, attrs }) {
    const a = normAxis('concat', attrs.axis, out.shape.length);
    const offs = offsets(inputs, a);
    const dispatches = inputs.map((x, i) => {
      const v = view(x, a);
      const n = v.outer * v.len * v.inner;
      return {
        kernel,
        params: { n, inner: v.inner, len: v.len, out_len: out.shape[a], offset: offs[i] },
        bindings: [{ input: i }, { output: true as const }],
        grid: grid1d(n),
        // Each dispatch writes only input i's part of the output.
        cost: { read: byteSize(x), write: byteSize(x), flops: 0 },
      };
    });
    return { dispatches };
  },
  vjp({ g, inputs, attrs, needs }) {
    const a = normAxis('concat', attrs.axis, g.shape.length);
    const offs = offsets(inputs, a);
    return inputs.map((x, i) => (needs[i] ? slice(g, a, offs[i], offs[i] + x.shape[a]) : null));
  },
  reference(xs, specs, attrs, out) {
    const a = normAxis('concat', attrs.axis, out.shape.length);
    const offs = offsets(specs, a);
    const y = new Float64Array(numel(out.shape) * wordsOf(out.dtype));
    xs.forEach((x, i) => {
      const v = view(specs[i], a);
      for (let b = 0; b < v.outer; b++) {
        const dst = (b * out.shape[a] + offs[i]) * v.inner;
        y.set(x.subarray(b * v.len * v.inner, (b + 1) * v.len * v.inner), dst);
      }
    });
    return y;
  },
};

/**
 * Join tensors along `axis` (negative counts from the end); all must share dtype and every other
 * dimension. @example concat([a, b], 1) // [B, 3, N] and [B, 5, N] -> [B, 8, N]
 */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new WgnoError('concat', 'needs at least one input tensor');
  return apply('concat', xs, { axis: normAxis('concat', axis, xs[0].shape.length) });
}

declare module '../graph/registry' {
  interface OpAttrs {
    concat: { readonly axis: number };
  }
}

registerOp('concat', concatDef);
