import { apply } from '../graph/apply';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/unary.wgsl?raw';
import { div, mul } from './binary';
import { requireF32, requireFinite } from './elementwise';
import type { OpDef, VjpArgs } from './op';
import * as sp from './special';

export const unaryParams = new UniformLayout('UnaryParams', {
  n: 'u32',
  alpha: 'f32',
  beta: 'f32',
});
const kernel = defineKernel({
  name: 'unary',
  source,
  params: unaryParams,
  storage: ['read', 'read_write'],
});

/** Function codes of kernels/unary.wgsl (override OP). */
const UNARY_CODES = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  square: 4,
  gelu: 5,
  tanh: 6,
  relu: 7,
  reciprocal: 8,
  step: 9,
  gelu_grad: 10,
  affine: 11,
  pow_scalar: 12,
  sin: 13,
  cos: 14,
} as const;
type UnaryName = keyof typeof UNARY_CODES;

export interface AffineAttrs {
  readonly scale: number;
  readonly shift: number;
}
export interface PowAttrs {
  readonly p: number;
}
type NoAttrs = Record<string, never>;

function unaryOp<A>(
  name: UnaryName,
  scalar: (v: number, attrs: A) => number,
  vjp: (a: VjpArgs<A>, x: Tensor) => Tensor,
  uniforms: (attrs: A) => { alpha: number; beta: number } = () => ({ alpha: 0, beta: 0 }),
): OpDef<A> {
  return {
    name,
    infer([x]) {
      requireF32(name, [x]);
      return { shape: x.shape, dtype: 'f32' };
    },
    lower({ out, attrs }) {
      const n = numel(out.shape);
      return {
        dispatches: [
          {
            kernel,
            overrides: { OP: UNARY_CODES[name] },
            params: { n, ...uniforms(attrs) },
            bindings: [{ input: 0 }, { output: true }],
            grid: grid1d(n),
          },
        ],
      };
    },
    vjp: (a) => [vjp(a, a.inputs[0])],
    reference: ([x], _specs, attrs) => x.map((v) => scalar(v, attrs)),
  };
}

// VJPs reuse registered ops only; what each saves is visible: x (the input) or out (the result).
export const negDef = unaryOp<NoAttrs>(
  'neg',
  (v) => -v,
  ({ g }) => neg(g),
);
export const expDef = unaryOp<NoAttrs>('exp', Math.exp, ({ g, out }) => mul(g, out));
export const logDef = unaryOp<NoAttrs>('log', Math.log, ({ g }, x) => div(g, x));
export const sqrtDef = unaryOp<NoAttrs>('sqrt', Math.sqrt, ({ g, out }) =>
  div(g, affine(out, 2, 0)),
);
export const squareDef = unaryOp<NoAttrs>(
  'square',
  (v) => v * v,
  ({ g }, x) => mul(g, affine(x, 2, 0)),
);
export const sinDef = unaryOp<NoAttrs>('sin', Math.sin, ({ g }, x) => mul(g, cos(x)));
export const cosDef = unaryOp<NoAttrs>('cos', Math.cos, ({ g }, x) => neg(mul(g, sin(x))));
export const geluDef = unaryOp<NoAttrs>('gelu', sp.gelu, ({ g }, x) => mul(g, geluGrad(x)));
export const tanhDef = unaryOp<NoAttrs>('tanh', Math.tanh, ({ g, out }) =>
  mul(g, affine(square(out), -1, 1)),
);
export const reluDef = unaryOp<NoAttrs>(
  'relu',
  (v) => Math.max(v, 0),
  ({ g }, x) => mul(g, step(x)),
);
export const reciprocalDef = unaryOp<NoAttrs>(
  'reciprocal',
  (v) => 1 / v,
  ({ g, out }) => neg(mul(g, square(out))),
);
export const stepDef = unaryOp<NoAttrs>(
  'step',
  (v) => (v > 0 ? 1 : 0),
  ({ g }) => affine(g, 0, 0),
);
export const geluGradDef = unaryOp<NoAttrs>('gelu_grad', sp.geluGrad, ({ g }, x) =>
  // d/dx [Phi(x) + x phi(x)] = phi(x) (2 - x^2)
  mul(
    g,
    mul(
      affine(square(x), -1, 2),
      affine(exp(affine(square(x), -0.5, 0)), 1 / Math.sqrt(2 * Math.PI), 0),
    ),
  ),
);
export const affineDef = unaryOp<AffineAttrs>(
  'affine',
  (v, a) => a.scale * v + a.shift,
  ({ g, attrs }) => affine(g, attrs.scale, 0),
  (a) => ({ alpha: a.scale, beta: a.shift }),
);
export const powScalarDef = unaryOp<PowAttrs>(
  'pow_scalar',
  (v, a) => sp.powSigned(v, a.p),
  ({ g, attrs }, x) => mul(g, affine(powScalar(x, attrs.p - 1), attrs.p, 0)),
  (a) => ({ alpha: a.p, beta: 0 }),
);

const none: NoAttrs = {};
/** -x */
export const neg = (x: Tensor): Tensor => apply('neg', [x], none);
/** e^x */
export const exp = (x: Tensor): Tensor => apply('exp', [x], none);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => apply('log', [x], none);
export const sqrt = (x: Tensor): Tensor => apply('sqrt', [x], none);
export const square = (x: Tensor): Tensor => apply('square', [x], none);
/** Sine (radians): absolute error ~1e-7 for |x| <= 300, more beyond (see kernels/unary.wgsl). */
export const sin = (x: Tensor): Tensor => apply('sin', [x], none);
/** Cosine (radians), as accurate as sin. */
export const cos = (x: Tensor): Tensor => apply('cos', [x], none);
/** Exact GELU, x * Phi(x) with the erf form (PyTorch's default, not the tanh approximation). */
export const gelu = (x: Tensor): Tensor => apply('gelu', [x], none);
export const tanh = (x: Tensor): Tensor => apply('tanh', [x], none);
export const relu = (x: Tensor): Tensor => apply('relu', [x], none);
export const reciprocal = (x: Tensor): Tensor => apply('reciprocal', [x], none);
/** Heaviside step: 1 where x > 0, else 0 (the derivative of relu). */
export const step = (x: Tensor): Tensor => apply('step', [x], none);
/** d gelu / dx = Phi(x) + x phi(x). */
export const geluGrad = (x: Tensor): Tensor => apply('gelu_grad', [x], none);
/** scale * x + shift, the scalar arithmetic ops. */
export function affine(x: Tensor, scale: number, shift: number): Tensor {
  requireFinite('affine', 'scale', scale);
  requireFinite('affine', 'shift', shift);
  return apply('affine', [x], { scale, shift });
}
export const addScalar = (x: Tensor, s: number): Tensor => affine(x, 1, s);
export const mulScalar = (x: Tensor, s: number): Tensor => affine(x, s, 0);
/** x^p for a scalar p (negative x only with integer p, else NaN, as in PyTorch). */
export function powScalar(x: Tensor, p: number): Tensor {
  requireFinite('pow_scalar', 'exponent', p);
  return apply('pow_scalar', [x], { p });
}
