/**
 * layer_norm: LayerNorm and RMSNorm over the trailing axes of x, as one fused op with an optional
 * elementwise weight and bias of the normalised shape.
 *  - LayerNorm (torch.nn.LayerNorm): y = (x - mean) / sqrt(var + eps) * w + b, biased variance,
 *    eps inside the sqrt.
 *  - RMSNorm (GAOT's and Llama's RMSNorm, torch.nn.RMSNorm with an explicit eps):
 *    y = x / sqrt(mean(x^2) + eps) * w; GAOT's default eps is 1e-6.
 * Two dispatches (kernels/norm.wgsl, kernels/norm_apply.wgsl): row statistics, one invocation per
 * row ('lane', and short rows everywhere) or one workgroup per row with a tree ('workgroup', long
 * rows), then one invocation per element. The input gradient is the fused layer_norm_grad op
 * (src/ops/norm_grad.ts, itself differentiable); weight and bias gradients are sums of g * xhat
 * and g.
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import { numel, sameShape, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { WORKGROUP_SIZE, defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import statsSource from '../../kernels/norm.wgsl?raw';
import applySource from '../../kernels/norm_apply.wgsl?raw';
import { requireF32, requireFinite } from './elementwise';
import { mul } from './binary';
import { sumTo } from './layout';
import type { Lowered, OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';

type NormAttrs = OpAttrs['layer_norm'];

export const normParams = new UniformLayout('NormParams', { rows: 'u32', d: 'u32', eps: 'f32' });
const stats = (entry: string) =>
  defineKernel({
    name: 'norm',
    entry,
    source: statsSource,
    params: normParams,
    storage: ['read', 'read_write'],
  });
const STATS = { lane: stats('stats_lane'), workgroup: stats('stats_group') };
const applyKernel = defineKernel({
  name: 'norm_apply',
  source: applySource,
  params: normParams,
  storage: ['read', 'read', 'read', 'read', 'read_write'],
});

/** Rows at most this long get a thread each even on GPUs (a workgroup would idle). */
export const SHORT_ROW = 64;

/**
 * Rows and row length of x, after checking x and the inputs after it (weight/bias, or the
 * gradient of layer_norm_grad: `second`) against `dims`.
 */
export function normRows([x, ...affine]: readonly TensorSpec[], attrs: NormAttrs, second?: string) {
  const name = attrs.rms ? 'rms_norm' : 'layer_norm';
  requireF32(name, [x, ...affine]);
  const k = attrs.dims;
  if (!Number.isInteger(k) || k < 1 || k > x.shape.length)
    throw new WgnoError(
      name,
      `normalizedDims ${k} is invalid for x ${fmtShape(x.shape)}; it counts trailing axes: 1..${x.shape.length}`,
    );
  const tail = x.shape.slice(x.shape.length - k);
  const names = second
    ? [second]
    : [...(attrs.weight ? ['weight'] : []), ...(attrs.bias ? ['bias'] : [])];
  const want = second ? x.shape : tail;
  affine.forEach((s, i) => {
    if (!sameShape(s.shape, want))
      throw new WgnoError(
        name,
        `${names[i]} ${fmtShape(s.shape)} must have the ${second ? '' : 'normalised '}shape ${fmtShape(want)} of x ${fmtShape(x.shape)}`,
      );
  });
  const d = numel(tail);
  return { d, rows: d === 0 ? 0 : numel(x.shape) / d };
}

export const layerNormDef: OpDef<NormAttrs> = {
  name: 'layer_norm',
  infer(inputs, attrs) {
    normRows(inputs, attrs);
    return { shape: inputs[0].shape, dtype: 'f32' };
  },
  lower({ inputs, attrs, target }): Lowered {
    const { rows, d } = normRows(inputs, attrs);
    const params = { rows, d, eps: attrs.eps };
    const group = target.kernels === 'workgroup' && d > SHORT_ROW;
    const wAt = attrs.weight ? 1 : 0;
    const bAt = attrs.bias ? wAt + 1 : 0;
    const n = rows * d;
    const passes = attrs.rms ? 1 : 2;
    return {
      dispatches: [
        {
          kernel: STATS[group ? 'workgroup' : 'lane'],
          overrides: { RMS: attrs.rms ? 1 : 0 },
          params,
          bindings: [{ input: 0 }, { scratch: 0 }],
          grid: group ? grid1d(rows * WORKGROUP_SIZE) : grid1d(rows),
          cost: { read: 4 * n * passes, write: 8 * rows, flops: n * (passes + 1) + 2 * rows },
        },
        {
          kernel: applyKernel,
          overrides: { HAS_W: attrs.weight ? 1 : 0, HAS_B: attrs.bias ? 1 : 0 },
          params,
          // Absent weight or bias: x stands in for it (bound read-only, never read).
          bindings: [
            { input: 0 },
            { scratch: 0 },
            { input: wAt },
            { input: bAt },
            { output: true as const },
          ],
          grid: grid1d(n),
          cost: {
            read: 4 * n * (1 + wAt + (attrs.bias ? 1 : 0)) + 8 * n,
            write: 4 * n,
            flops: n * (2 + wAt + (attrs.bias ? 1 : 0)),
          },
        },
      ],
      scratch: [8 * Math.max(rows, 1)],
    };
  },
  vjp: ({ g, inputs, attrs, needs }) => {
    const [x] = inputs;
    const w = attrs.weight ? inputs[1] : undefined;
    const bAt = attrs.weight ? 2 : 1;
    const plain = { ...attrs, weight: false, bias: false };
    const grad = { dims: attrs.dims, eps: attrs.eps, rms: attrs.rms };
    const xhat = w && needs[1] ? apply('layer_norm', [x], plain) : null;
    const out: (Tensor | null)[] = inputs.map(() => null);
    // dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)), gh = g * w: one fused op.
    if (needs[0]) out[0] = apply('layer_norm_grad', [x, w ? mul(g, w) : g], grad);
    if (w && needs[1]) out[1] = sumTo(mul(g, xhat!), w.shape);
    if (attrs.bias && needs[bAt]) out[bAt] = sumTo(g, inputs[bAt].shape);
    return out;
  },
  reference([x, ...affine], specs, attrs) {
    const { rows, d } = normRows(specs, attrs);
    const w = attrs.weight ? affine[0] : null;
    const b = attrs.bias ? affine[attrs.weight ? 1 : 0] : null;
    const y = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * d, (r + 1) * d);
      const shift = attrs.rms ? 0 : row.reduce((s, v) => s + v, 0) / d;
      const sq = row.reduce((s, v) => s + (v - shift) ** 2, 0);
      const rstd = 1 / Math.sqrt(sq / d + attrs.eps);
      for (let j = 0; j < d; j++)
        y[r * d + j] = (row[j] - shift) * rstd * (w ? w[j] : 1) + (b ? b[j] : 0);
    }
    return y;
  },
};

/** Options of layerNorm and rmsNorm. */
export interface NormOptions {
  /** Elementwise scale of the normalised shape (PyTorch's `weight`); none by default. */
  weight?: Tensor;
  /** Added after the scale, of the normalised shape; none by default. */
  bias?: Tensor;
  /** Added to the variance (or mean square) inside the square root. */
  eps?: number;
}

function norm(x: Tensor, dims: number, rms: boolean, opts: NormOptions, eps: number): Tensor {
  requireFinite(rms ? 'rms_norm' : 'layer_norm', 'eps', eps);
  const { weight, bias } = opts;
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return apply('layer_norm', inputs, { dims, eps, rms, weight: !!weight, bias: !!bias });
}

/**
 * LayerNorm over the trailing `normalizedDims` axes of x (torch.nn.LayerNorm with
 * normalized_shape = those axes): (x - mean) / sqrt(var + eps) * weight + bias, with the biased
 * variance. weight and bias, when given, have the normalised shape.
 *
 * @example
 * const y = layerNorm(x, 1, { weight: gamma, bias: beta }); // x [B, N, C], gamma/beta [C]
 * const z = layerNorm(u, 3); // u [B, C, H, W]: each sample over all of [C, H, W] (MgNO)
 */
export function layerNorm(x: Tensor, normalizedDims: number, opts: NormOptions = {}): Tensor {
  return norm(x, normalizedDims, false, opts, opts.eps ?? 1e-5);
}

/**
 * RMSNorm over the last axis (GAOT's RMSNorm): x / sqrt(mean(x^2) + eps) * weight, eps 1e-6 by
 * default (GAOT's norm_eps; torch.nn.RMSNorm's default is f32 machine epsilon instead).
 *
 * @example
 * const h = rmsNorm(tokens, { weight: w }); // tokens [B, N, C], w [C]
 */
export function rmsNorm(x: Tensor, opts: Omit<NormOptions, 'bias'> = {}): Tensor {
  if ((opts as NormOptions).bias)
    throw new WgnoError('rms_norm', 'takes no bias (GAOT and torch RMSNorm have only a weight)');
  return norm(x, 1, true, opts, opts.eps ?? 1e-6);
}

declare module '../graph/registry' {
  interface OpAttrs {
    /**
     * Normalise over the trailing `dims` axes; `rms`: RMSNorm (no mean subtracted); `weight`,
     * `bias`: inputs 1 (and 2) hold them.
     */
    layer_norm: {
      readonly dims: number;
      readonly eps: number;
      readonly rms: boolean;
      readonly weight: boolean;
      readonly bias: boolean;
    };
  }
}

registerOp('layer_norm', layerNormDef);
