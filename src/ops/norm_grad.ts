/**
 * layer_norm_grad: the input gradient of LayerNorm / RMSNorm as one fused op (layer_norm's VJP):
 *   dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)),  xhat = (x - mean) * rstd,
 * over the trailing `dims` axes, gh the output gradient times the weight; RMSNorm has no mean
 * subtracted and no mean(gh) term. Row statistics (kernels/norm_grad.wgsl: one thread per row, or
 * one workgroup per row with a tree), then one pass per element (kernels/norm_grad_apply.wgsl),
 * instead of a dozen composed reductions and broadcasts.
 *
 * Its own VJP, for second order, from registered ops. dx = P gh with P = rstd (I - 11^T / D -
 * xhat xhat^T / D) symmetric, so the cotangent c of dx gives gh_bar = P c (this op again) and
 *   x_bar = -rstd * (xhat * mean(c * dx) + mean(gh * xhat) * P c + mean(c * xhat) * dx).
 */
import { apply } from '../graph/apply';
import type { Tensor } from '../graph/tensor';
import { WORKGROUP_SIZE, defineKernel, grid1d } from '../gpu/kernel';
import statsSource from '../../kernels/norm_grad.wgsl?raw';
import applySource from '../../kernels/norm_grad_apply.wgsl?raw';
import { add, mul, sub } from './binary';
import { mean } from './reduce';
import { addScalar, neg, reciprocal, sqrt, square } from './unary';
import { normParams, normRows, SHORT_ROW } from './norm';
import type { Lowered, OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';

type GradAttrs = OpAttrs['layer_norm_grad'];

const stats = (entry: string) =>
  defineKernel({
    name: 'norm_grad',
    entry,
    source: statsSource,
    params: normParams,
    storage: ['read', 'read', 'read_write'],
  });
const STATS = { lane: stats('stats_lane'), workgroup: stats('stats_group') };
const applyKernel = defineKernel({
  name: 'norm_grad_apply',
  source: applySource,
  params: normParams,
  storage: ['read', 'read', 'read', 'read_write'],
});

const asNorm = (a: GradAttrs) => ({ ...a, weight: false, bias: false });

/** 1 / sqrt(var + eps) (or mean square for RMSNorm) per row, keepdim, from registered ops. */
export function rstdOf(x: Tensor, attrs: GradAttrs): Tensor {
  const axes = [...Array(attrs.dims).keys()].map((i) => x.shape.length - attrs.dims + i);
  const centred = attrs.rms ? x : sub(x, mean(x, axes, true));
  return reciprocal(sqrt(addScalar(mean(square(centred), axes, true), attrs.eps)));
}

export const layerNormGradDef: OpDef<GradAttrs> = {
  name: 'layer_norm_grad',
  infer([x, gh], attrs) {
    normRows([x, gh], asNorm(attrs), 'gradient');
    return { shape: x.shape, dtype: 'f32' };
  },
  lower({ inputs, attrs, target }): Lowered {
    const { rows, d } = normRows(inputs, asNorm(attrs), 'gradient');
    const params = { rows, d, eps: attrs.eps };
    const group = target.kernels === 'workgroup' && d > SHORT_ROW;
    const overrides = { RMS: attrs.rms ? 1 : 0 };
    const n = rows * d;
    const passes = attrs.rms ? 3 : 4;
    return {
      dispatches: [
        {
          kernel: STATS[group ? 'workgroup' : 'lane'],
          overrides,
          params,
          bindings: [{ input: 0 }, { input: 1 }, { scratch: 0 }],
          grid: group ? grid1d(rows * WORKGROUP_SIZE) : grid1d(rows),
          cost: { read: 4 * n * (passes + 2), write: 16 * rows, flops: 3 * n * passes },
        },
        {
          kernel: applyKernel,
          overrides,
          params,
          bindings: [{ input: 0 }, { input: 1 }, { scratch: 0 }, { output: true as const }],
          grid: grid1d(n),
          cost: { read: 8 * n + 16 * n, write: 4 * n, flops: 6 * n },
        },
      ],
      scratch: [16 * Math.max(rows, 1)],
    };
  },
  vjp: ({ g: c, inputs: [x, gh], out: dx, attrs, needs }) => {
    const axes = [...Array(attrs.dims).keys()].map((i) => x.shape.length - attrs.dims + i);
    const pc = apply('layer_norm_grad', [x, c], attrs);
    if (!needs[0]) return [null, needs[1] ? pc : null];
    const xhat = apply('layer_norm', [x], asNorm(attrs));
    const m = (t: Tensor) => mean(t, axes, true);
    const terms = add(
      add(mul(xhat, m(mul(c, dx))), mul(m(mul(gh, xhat)), pc)),
      mul(m(mul(c, xhat)), dx),
    );
    return [neg(mul(rstdOf(x, attrs), terms)), needs[1] ? pc : null];
  },
  reference([x, gh], specs, attrs) {
    const { rows, d } = normRows(specs, asNorm(attrs), 'gradient');
    const dx = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) {
      const [row, g] = [x.subarray(r * d, (r + 1) * d), gh.subarray(r * d, (r + 1) * d)];
      const shift = attrs.rms ? 0 : row.reduce((s, v) => s + v, 0) / d;
      const rstd = 1 / Math.sqrt(row.reduce((s, v) => s + (v - shift) ** 2, 0) / d + attrs.eps);
      const h = Array.from(row, (v) => (v - shift) * rstd);
      const gMean = attrs.rms ? 0 : g.reduce((s, v) => s + v, 0) / d;
      const a = h.reduce((s, v, j) => s + v * g[j], 0) / d;
      for (let j = 0; j < d; j++) dx[r * d + j] = rstd * (g[j] - gMean - h[j] * a);
    }
    return dx;
  },
};

declare module '../graph/registry' {
  interface OpAttrs {
    /** layer_norm's input gradient: inputs x and gh (the output gradient times the weight). */
    layer_norm_grad: { readonly dims: number; readonly eps: number; readonly rms: boolean };
  }
}

registerOp('layer_norm_grad', layerNormGradDef);
