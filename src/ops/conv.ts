/**
 * 2-D convolution (PyTorch's Conv2d and ConvTranspose2d without bias), as three ops that are each
 * other's VJPs, so gradients of any order are convolutions again:
 *  - conv2d (x, w) -> y: the padded, strided cross-correlation;
 *  - conv_transpose2d (y, w) -> x: its adjoint in x (halo copies of circular and reflect padding
 *    fold back onto the entries they copy); also the user's transposed convolution;
 *  - conv2d_weight_grad (x, y) -> w: its adjoint in w, a deterministic reduction over B, H, W.
 * Geometry and padding conventions: src/ops/conv_reference.ts.
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import type { TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import type { OpDef } from '../graph/op';
import { registerOp } from '../graph/registry';
import {
  PAD_MODES,
  checkPadding,
  convOut,
  rank4,
  referenceConv,
  referenceConvTranspose,
  referenceConvWeightGrad,
  type ConvDims,
  type ConvGeometry,
  type PadMode,
} from './conv_reference';
import { lowerConv } from './conv_lower';

/** conv_transpose2d also carries the size of the x it produces (a strided conv's output hides it). */
export interface ConvTransposeAttrs extends ConvGeometry {
  readonly outH: number;
  readonly outW: number;
}

function weightDims(op: string, w: TensorSpec, g: ConvGeometry) {
  const [co, ci, kh, kw] = rank4(op, 'weight', w, '[Cout, Cin, k, k]');
  if (kh !== g.k || kw !== g.k || g.k > 8)
    throw new WgnoError(
      op,
      `weight ${fmtShape(w.shape)} must have a ${g.k} x ${g.k} kernel, k <= 8 (the kernels' limit)`,
    );
  return { cout: co, cin: ci };
}

function convDims([x, w]: readonly TensorSpec[], g: ConvGeometry): ConvDims {
  const [batch, cin, h, wd] = rank4('conv2d', 'x', x, '[B, Cin, H, W]');
  const wc = weightDims('conv2d', w, g);
  if (wc.cin !== cin)
    throw new WgnoError(
      'conv2d',
      `x ${fmtShape(x.shape)} has ${cin} channels but weight ${fmtShape(w.shape)} expects Cin = ${wc.cin}; weight must be [Cout, Cin, k, k]`,
    );
  checkPadding('conv2d', g, h, wd);
  return { batch, cin, cout: wc.cout, h, w: wd, ho: convOut(h, g), wo: convOut(wd, g) };
}

function transposeDims([y, w]: readonly TensorSpec[], a: ConvTransposeAttrs): ConvDims {
  const op = 'conv_transpose2d';
  const [batch, cout, ho, wo] = rank4(op, 'x', y, '[B, Cin, H, W]');
  const wc = weightDims(op, w, a);
  if (wc.cout !== cout)
    throw new WgnoError(
      op,
      `x ${fmtShape(y.shape)} has ${cout} channels but weight ${fmtShape(w.shape)} expects ${wc.cout}; weight must be [Cin, Cout, k, k]`,
    );
  checkPadding(op, a, a.outH, a.outW);
  if (convOut(a.outH, a) !== ho || convOut(a.outW, a) !== wo)
    throw new WgnoError(
      op,
      `x ${fmtShape(y.shape)} is not the size a stride-${a.stride} conv makes of ${a.outH} x ${a.outW}`,
    );
  return { batch, cin: wc.cin, cout, h: a.outH, w: a.outW, ho, wo };
}

function weightGradDims([x, y]: readonly TensorSpec[], g: ConvGeometry): ConvDims {
  const op = 'conv2d_weight_grad';
  const [batch, cin, h, wd] = rank4(op, 'x', x, '[B, Cin, H, W]');
  const [yb, cout, ho, wo] = rank4(op, 'y', y, '[B, Cout, Ho, Wo]');
  checkPadding(op, g, h, wd);
  if (yb !== batch || ho !== convOut(h, g) || wo !== convOut(wd, g))
    throw new WgnoError(
      op,
      `y ${fmtShape(y.shape)} is not conv2d's output for x ${fmtShape(x.shape)}`,
    );
  return { batch, cin, cout, h, w: wd, ho, wo };
}

const geometry = (a: ConvGeometry): ConvGeometry => ({
  k: a.k,
  stride: a.stride,
  pad: a.pad,
  mode: a.mode,
});

export const conv2dDef: OpDef<ConvGeometry> = {
  name: 'conv2d',
  infer(inputs, g) {
    const d = convDims(inputs, g);
    return { shape: [d.batch, d.cout, d.ho, d.wo], dtype: 'f32' };
  },
  lower: ({ inputs, attrs, target }) =>
    lowerConv('forward', convDims(inputs, attrs), attrs, target.kernels),
  vjp: ({ g, inputs: [x, w], attrs, needs }) => [
    needs[0]
      ? apply('conv_transpose2d', [g, w], {
          ...geometry(attrs),
          outH: x.shape[2],
          outW: x.shape[3],
        })
      : null,
    needs[1] ? apply('conv2d_weight_grad', [x, g], geometry(attrs)) : null,
  ],
  reference: ([x, w], specs, g) => referenceConv(x, w, convDims(specs, g), g),
};

// y = A_w^T g: d/dg is A_w (conv2d), d/dw is the weight gradient with the cotangent as input.
export const convTransposeDef: OpDef<ConvTransposeAttrs> = {
  name: 'conv_transpose2d',
  infer(inputs, a) {
    const d = transposeDims(inputs, a);
    return { shape: [d.batch, d.cin, d.h, d.w], dtype: 'f32' };
  },
  lower: ({ inputs, attrs, target }) =>
    lowerConv('transpose', transposeDims(inputs, attrs), attrs, target.kernels),
  vjp: ({ g, inputs: [y, w], attrs, needs }) => [
    needs[0] ? apply('conv2d', [g, w], geometry(attrs)) : null,
    needs[1] ? apply('conv2d_weight_grad', [g, y], geometry(attrs)) : null,
  ],
  reference: ([y, w], specs, a) => referenceConvTranspose(y, w, transposeDims(specs, a), a),
};

// dw = <y, A_(.) x>: bilinear, d/dy is conv2d(x, g) and d/dx is conv_transpose2d(y, g).
export const convWeightGradDef: OpDef<ConvGeometry> = {
  name: 'conv2d_weight_grad',
  infer(inputs, g) {
    const d = weightGradDims(inputs, g);
    return { shape: [d.cout, d.cin, g.k, g.k], dtype: 'f32' };
  },
  lower: ({ inputs, attrs, target }) =>
    lowerConv('weightGrad', weightGradDims(inputs, attrs), attrs, target.kernels),
  vjp: ({ g, inputs: [x, y], attrs, needs }) => [
    needs[0]
      ? apply('conv_transpose2d', [y, g], {
          ...geometry(attrs),
          outH: x.shape[2],
          outW: x.shape[3],
        })
      : null,
    needs[1] ? apply('conv2d', [x, g], geometry(attrs)) : null,
  ],
  reference: ([x, y], specs, g) => referenceConvWeightGrad(x, y, weightGradDims(specs, g), g),
};

/** Options of conv2d. */
export interface Conv2dOptions {
  /** 1 (the default) or 2 (a restriction to the coarser grid of a multigrid cycle). */
  stride?: number;
  /**
   * How the (k - 1) / 2 cells beyond each edge read (PyTorch's padding_mode): 'zeros' (the
   * default; Dirichlet), 'circular' (periodic) or 'reflect' (mirrored without the edge; H, W > pad).
   */
  padding?: PadMode;
}

function checkStride(op: string, stride: number, valid: readonly number[]): void {
  if (!valid.includes(stride))
    throw new WgnoError(op, `stride ${String(stride)} is not supported; use ${valid.join(' or ')}`);
}

/**
 * 2-D convolution with 'same' padding, as PyTorch's `Conv2d(Cin, Cout, k, stride, padding=(k-1)/2,
 * padding_mode, bias=False)`: x [B, Cin, H, W] and weight [Cout, Cin, k, k] with odd k (1, 3, 5
 * or 7) give [B, Cout, floor((H - 1) / stride) + 1, same for W]. Add a bias with `add` and a
 * [1, Cout, 1, 1] tensor.
 *
 * @example
 * const y = conv2d(x, w); // x [8, 24, 64, 64], w [24, 24, 3, 3] -> [8, 24, 64, 64]
 * const coarse = conv2d(x, r, { stride: 2, padding: 'circular' }); // -> [8, 24, 32, 32]
 */
export function conv2d(x: Tensor, weight: Tensor, opts: Conv2dOptions = {}): Tensor {
  const { stride = 1, padding = 'zeros' } = opts;
  checkStride('conv2d', stride, [1, 2]);
  if (!PAD_MODES.includes(padding))
    throw new WgnoError(
      'conv2d',
      `padding '${String(padding)}' is not one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}`,
    );
  const k = weight.shape[2];
  if (weight.shape.length !== 4 || ![1, 3, 5, 7].includes(k) || weight.shape[3] !== k)
    throw new WgnoError(
      'conv2d',
      `weight ${fmtShape(weight.shape)}: kernel size not supported; weight must be [Cout, Cin, k, k] with k = 1, 3, 5 or 7`,
    );
  return apply('conv2d', [x, weight], { k, stride, pad: (k - 1) / 2, mode: padding });
}

/** Options of convTranspose2d (PyTorch's ConvTranspose2d; output_padding 0). */
export interface ConvTranspose2dOptions {
  /** Default 2. */
  stride?: number;
  /** Cells cropped from each side of the full output (default 1). */
  padding?: number;
}

/**
 * Transposed convolution, as PyTorch's `ConvTranspose2d(Cin, Cout, k, stride, padding,
 * bias=False)`: x [B, Cin, H, W] and weight [Cin, Cout, k, k] (k <= 8) give [B, Cout,
 * (H - 1) * stride - 2 * padding + k, same for W]. With the defaults and k = 4 it doubles H and W:
 * the prolongation of a multigrid cycle, the adjoint of a stride-2, k = 4, padding 1 conv2d.
 *
 * @example
 * const fine = convTranspose2d(coarse, w); // coarse [8, 32, 16, 16], w [32, 32, 4, 4] -> [8, 32, 32, 32]
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  opts: ConvTranspose2dOptions = {},
): Tensor {
  const { stride = 2, padding = 1 } = opts;
  const op = 'conv_transpose2d';
  if (!Number.isInteger(stride) || stride < 1 || stride > 8)
    throw new WgnoError(op, `stride ${String(stride)} must be an integer from 1 to 8`);
  const k = weight.shape[2];
  if (weight.shape.length !== 4 || weight.shape[3] !== k || !(k >= 1 && k <= 8))
    throw new WgnoError(
      op,
      `weight ${fmtShape(weight.shape)}: kernel size not supported; weight must be [Cin, Cout, k, k] with 1 <= k <= 8`,
    );
  if (!Number.isInteger(padding) || padding < 0 || padding >= k)
    throw new WgnoError(
      op,
      `padding ${String(padding)} must be an integer from 0 to k - 1 = ${k - 1}`,
    );
  rank4(op, 'x', x, '[B, Cin, H, W]');
  const [outH, outW] = [x.shape[2], x.shape[3]].map((n) => (n - 1) * stride - 2 * padding + k);
  if (outH < 1 || outW < 1)
    throw new WgnoError(
      op,
      `x ${fmtShape(x.shape)} gives an empty output with k = ${k}, padding ${padding}`,
    );
  return apply(op, [x, weight], { k, stride, pad: padding, mode: 'zeros', outH, outW });
}

declare module '../graph/registry' {
  interface OpAttrs {
    conv2d: ConvGeometry;
    conv_transpose2d: ConvTransposeAttrs;
    conv2d_weight_grad: ConvGeometry;
  }
}

registerOp('conv2d', conv2dDef);
registerOp('conv_transpose2d', convTransposeDef);
registerOp('conv2d_weight_grad', convWeightGradDef);
