/**
 * Convolution geometry shared by the three conv ops (src/ops/conv.ts), and their float64
 * references as direct loops.
 *
 * Conventions (PyTorch's): NCHW activations, weights [Cout, Cin, k, k], cross-correlation (no
 * flip). The input is padded by `pad` on each side according to `mode`, then a k x k window
 * slides with `stride`. Padded coordinate t in [-pad, n + pad) reads input index `padIndex(t)`:
 *  - zeros: t itself inside [0, n), nothing (a zero) outside;
 *  - circular: t mod n (periodic), needs pad <= n;
 *  - reflect: the mirror without repeating the edge (-1 -> 1, n -> n - 2), needs pad < n.
 * conv_transpose2d is the exact adjoint of conv2d in x: where two padded coordinates read one
 * input entry (circular, reflect), its gradient sums both (the halo folds back).
 */
import { WgnoError, fmtShape } from '../errors';
import type { TensorSpec } from '../graph/shape';

export type PadMode = 'zeros' | 'circular' | 'reflect';
export const PAD_MODES: readonly PadMode[] = ['zeros', 'circular', 'reflect'];

/** Attributes every conv op carries: square kernel size, stride, padding per side, its mode. */
export interface ConvGeometry {
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly mode: PadMode;
}

/** Sizes of one convolution: x [batch, cin, h, w] -> y [batch, cout, ho, wo]. */
export interface ConvDims {
  batch: number;
  cin: number;
  cout: number;
  h: number;
  w: number;
  ho: number;
  wo: number;
}

/** Output length of a padded, strided window of size k over n. */
export const convOut = (n: number, { k, stride, pad }: ConvGeometry): number =>
  Math.floor((n + 2 * pad - k) / stride) + 1;

/** Check that `mode` padding of `pad` is valid for an input of h x w (PyTorch's limits). */
export function checkPadding(op: string, g: ConvGeometry, h: number, w: number): void {
  const n = Math.min(h, w);
  if (g.mode === 'reflect' && g.pad >= n)
    throw new WgnoError(
      op,
      `reflect padding of ${g.pad} needs H and W > ${g.pad}, got ${h} x ${w}; use 'zeros' or 'circular'`,
    );
  if (g.mode === 'circular' && g.pad > n)
    throw new WgnoError(
      op,
      `circular padding of ${g.pad} needs H and W >= ${g.pad}, got ${h} x ${w}`,
    );
  if (h + 2 * g.pad < g.k || w + 2 * g.pad < g.k)
    throw new WgnoError(
      op,
      `input ${h} x ${w} padded by ${g.pad} is smaller than the ${g.k} x ${g.k} kernel`,
    );
}

/** Check a rank-4 f32 operand. */
export function rank4(op: string, name: string, s: TensorSpec, layout: string): readonly number[] {
  if (s.shape.length !== 4 || s.dtype !== 'f32')
    throw new WgnoError(op, `${name} ${fmtShape(s.shape)} ${s.dtype} must be f32 ${layout}`);
  return s.shape;
}

/** Input index read at padded coordinate t of a length-n axis, or -1 for a zero. */
export function padIndex(t: number, n: number, mode: PadMode): number {
  if (t >= 0 && t < n) return t;
  if (mode === 'circular') return (t + n) % n;
  if (mode === 'reflect') return t < 0 ? -t : 2 * n - 2 - t;
  return -1;
}

/**
 * Visit every term of the convolution: f(xAt, yAt, wAt) for x [B, Cin, H, W] at xAt, y
 * [B, Cout, Ho, Wo] at yAt and w [Cout, Cin, k, k] at wAt. Each of the three ops is this sum with
 * a different operand left out, so one loop serves all three references.
 */
function eachTerm(d: ConvDims, g: ConvGeometry, f: (xi: number, yi: number, wi: number) => void) {
  const { k, stride, pad, mode } = g;
  for (let b = 0; b < d.batch; b++)
    for (let o = 0; o < d.cout; o++)
      for (let i = 0; i < d.ho; i++)
        for (let j = 0; j < d.wo; j++) {
          const yi = ((b * d.cout + o) * d.ho + i) * d.wo + j;
          for (let c = 0; c < d.cin; c++)
            for (let p = 0; p < k; p++) {
              const r = padIndex(i * stride + p - pad, d.h, mode);
              if (r < 0) continue;
              for (let q = 0; q < k; q++) {
                const s = padIndex(j * stride + q - pad, d.w, mode);
                if (s < 0) continue;
                const xi = ((b * d.cin + c) * d.h + r) * d.w + s;
                f(xi, yi, ((o * d.cin + c) * k + p) * k + q);
              }
            }
        }
}

/** y = conv(x, w). */
export function referenceConv(x: Float64Array, w: Float64Array, d: ConvDims, g: ConvGeometry) {
  const y = new Float64Array(d.batch * d.cout * d.ho * d.wo);
  eachTerm(d, g, (xi, yi, wi) => (y[yi] += x[xi] * w[wi]));
  return y;
}

/** x = conv^T(y, w): the adjoint of conv in x. */
export function referenceConvTranspose(
  y: Float64Array,
  w: Float64Array,
  d: ConvDims,
  g: ConvGeometry,
) {
  const x = new Float64Array(d.batch * d.cin * d.h * d.w);
  eachTerm(d, g, (xi, yi, wi) => (x[xi] += y[yi] * w[wi]));
  return x;
}

/** dw = the weight gradient of conv for input x and output gradient y. */
export function referenceConvWeightGrad(
  x: Float64Array,
  y: Float64Array,
  d: ConvDims,
  g: ConvGeometry,
) {
  const w = new Float64Array(d.cout * d.cin * g.k * g.k);
  eachTerm(d, g, (xi, yi, wi) => (w[wi] += x[xi] * y[yi]));
  return w;
}
