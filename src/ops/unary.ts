import { WgnoError, fmtShape } from '../errors';
import { registerOp, type NoAttrs } from '../graph/registry';
import { apply } from '../graph/apply';
import { numel, sameShape } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/unary.wgsl?raw';
import { div, mul } from './binary';
import { requireF32, requireFinite } from './elementwise';
import type { OpDef, VjpArgs } from '../graph/op';
import * as sp from './special';
import { perElement } from './cost';

/** @internal The unary kernels' uniform struct. */
export const unaryParams = new UniformLayout('UnaryParams', {
  n: 'u32',
  alpha: 'f32',
  beta: 'f32',
});
/** Function codes of kernels/unary.wgsl (override OP; WGSL names them OP_NEG, ..., OP_COS). */
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
  sigmoid: 15,
} as const;
const kernel = defineKernel({
  name: 'unary',
  source,
  params: unaryParams,
  constants: codes('OP', UNARY_CODES),
  storage: ['read', 'read_write'],
});
/** f(x) * s in one pass: the derivative ops times the incoming gradient (see `scaled` below). */
const scaledKernel = defineKernel({
  name: 'unary',
  entry: 'scaled',
  source,
  params: unaryParams,
  constants: codes('OP', UNARY_CODES),
  storage: ['read', 'read_write', 'read'],
});

type UnaryName = keyof typeof UNARY_CODES;
/**
 * FLOPs per element of each function (a transcendental counts 1, as exp, tanh, sin do in
 * hardware), for the declared costs; a scaled op adds 1 for the product.
 */
const UNARY_FLOPS: Record<UnaryName, number> = {
  neg: 1,
  exp: 1,
  log: 1,
  sqrt: 1,
  square: 1,
  gelu: 4, // 0.5 x (1 + erf(x / sqrt 2))
  tanh: 1,
  relu: 1,
  reciprocal: 1,
  step: 1,
  gelu_grad: 8, // Phi(x) + x phi(x)
  affine: 2,
  pow_scalar: 1,
  sin: 1,
  cos: 1,
  sigmoid: 4, // 1 / (1 + exp(-x))
};

/** @internal The affine op's attributes. */
export interface AffineAttrs {
  readonly scale: number;
  readonly shift: number;
}
/** @internal The pow_scalar op's attributes. */
export interface PowAttrs {
  readonly p: number;
}

/**
 * A unary op f. Ops made with `scaled` also take a second input s of x's shape and then compute
 * f(x) * s in the same pass: how a backward pass applies a derivative (gelu', step) to the
 * incoming gradient without writing f'(x) to memory first. Their VJP must read x, never `out`.
 */
function unaryOp<A>(
  name: UnaryName,
  scalar: (v: number, attrs: A) => number,
  vjp: (a: VjpArgs<A>, x: Tensor) => Tensor,
  uniforms: (attrs: A) => { alpha: number; beta: number } = () => ({ alpha: 0, beta: 0 }),
  scaled = false,
): OpDef<A> {
  return {
    name,
    infer(inputs) {
      requireF32(name, inputs);
      const [x, s] = inputs;
      if (s && !scaled) throw new WgnoError(name, `takes one input, got ${inputs.length}`);
      if (s && !sameShape(s.shape, x.shape)) {
        throw new WgnoError(
          name,
          `the scale ${fmtShape(s.shape)} must have the input's shape ${fmtShape(x.shape)}`,
        );
      }
      return { shape: x.shape, dtype: 'f32' };
    },
    lower({ inputs, out, attrs }) {
      const n = numel(out.shape);
      const withScale = inputs.length === 2;
      return {
        dispatches: [
          {
            kernel: withScale ? scaledKernel : kernel,
            overrides: { OP: UNARY_CODES[name] },
            params: { n, ...uniforms(attrs) },
            bindings: withScale
              ? [{ input: 0 }, { output: true }, { input: 1 }]
              : [{ input: 0 }, { output: true }],
            grid: grid1d(n),
            cost: perElement(n, {
              read: 4 * inputs.length,
              write: 4,
              flops: UNARY_FLOPS[name] + (withScale ? 1 : 0),
            }),
          },
        ],
      };
    },
    // With a scale: d/dx = f'(x) (g * s) and d/ds = g * f(x).
    vjp: (a) => {
      const [x, s] = a.inputs;
      if (!s) return [vjp(a, x)];
      // Only attribute-free ops are made `scaled` (step, gelu_grad).
      const fx = () => apply(name as 'step' | 'gelu_grad', [x], none);
      return [
        a.needs[0] ? vjp({ ...a, g: mul(a.g, s) }, x) : null,
        a.needs[1] ? mul(a.g, fx()) : null,
      ];
    },
    reference: ([x, s], _specs, attrs) => x.map((v, i) => scalar(v, attrs) * (s ? s[i] : 1)),
  };
}

// VJPs reuse registered ops only; what each saves is visible: x (the input) or out (the result).
/** @internal The op's definition, registered below; users call the function of the same name. */
export const negDef = unaryOp<NoAttrs>(
  'neg',
  (v) => -v,
  ({ g }) => neg(g),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const expDef = unaryOp<NoAttrs>('exp', Math.exp, ({ g, out }) => mul(g, out));
/** @internal The op's definition, registered below; users call the function of the same name. */
export const logDef = unaryOp<NoAttrs>('log', Math.log, ({ g }, x) => div(g, x));
/** @internal The op's definition, registered below; users call the function of the same name. */
export const sqrtDef = unaryOp<NoAttrs>('sqrt', Math.sqrt, ({ g, out }) =>
  div(g, affine(out, 2, 0)),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const squareDef = unaryOp<NoAttrs>(
  'square',
  (v) => v * v,
  ({ g }, x) => mul(g, affine(x, 2, 0)),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const sinDef = unaryOp<NoAttrs>('sin', Math.sin, ({ g }, x) => mul(g, cos(x)));
/** @internal The op's definition, registered below; users call the function of the same name. */
export const cosDef = unaryOp<NoAttrs>('cos', Math.cos, ({ g }, x) => neg(mul(g, sin(x))));
// sigma' = sigma (1 - sigma): the VJP saves the output, not the input.
/** @internal The op's definition, registered below; users call the function of the same name. */
export const sigmoidDef = unaryOp<NoAttrs>('sigmoid', sp.sigmoid, ({ g, out }) =>
  mul(g, mul(out, affine(out, -1, 1))),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const geluDef: OpDef<NoAttrs> = {
  ...unaryOp<NoAttrs>('gelu', sp.gelu, ({ g }, x) => geluGrad(x, g)),
  // A matmul may apply GELU as it stores its product (planner fusion).
  epilogue: true,
};
/** @internal The op's definition, registered below; users call the function of the same name. */
export const tanhDef = unaryOp<NoAttrs>('tanh', Math.tanh, ({ g, out }) =>
  mul(g, affine(square(out), -1, 1)),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const reluDef = unaryOp<NoAttrs>(
  'relu',
  (v) => Math.max(v, 0),
  ({ g }, x) => step(x, g),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const reciprocalDef = unaryOp<NoAttrs>(
  'reciprocal',
  (v) => 1 / v,
  ({ g, out }) => neg(mul(g, square(out))),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const stepDef = unaryOp<NoAttrs>(
  'step',
  (v) => (v > 0 ? 1 : 0),
  ({ g }) => affine(g, 0, 0),
  undefined,
  true,
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const geluGradDef = unaryOp<NoAttrs>(
  'gelu_grad',
  sp.geluGrad,
  ({ g }, x) =>
    // d/dx [Phi(x) + x phi(x)] = phi(x) (2 - x^2)
    mul(
      g,
      mul(
        affine(square(x), -1, 2),
        affine(exp(affine(square(x), -0.5, 0)), 1 / Math.sqrt(2 * Math.PI), 0),
      ),
    ),
  undefined,
  true,
);
/** @internal The op's definition, registered below; users call the function of the same name. */
export const affineDef = unaryOp<AffineAttrs>(
  'affine',
  (v, a) => a.scale * v + a.shift,
  ({ g, attrs }) => affine(g, attrs.scale, 0),
  (a) => ({ alpha: a.scale, beta: a.shift }),
);
/** @internal The op's definition, registered below; users call the function of the same name. */
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
/** Square root (NaN for x < 0). */
export const sqrt = (x: Tensor): Tensor => apply('sqrt', [x], none);
/** x * x. */
export const square = (x: Tensor): Tensor => apply('square', [x], none);
/** Sine (radians): absolute error ~1e-7 for |x| <= 300, more beyond (see kernels/unary.wgsl). */
export const sin = (x: Tensor): Tensor => apply('sin', [x], none);
/** Cosine (radians), as accurate as sin. */
export const cos = (x: Tensor): Tensor => apply('cos', [x], none);
/** Logistic sigmoid 1 / (1 + e^-x), evaluated without overflow for large |x|. */
export const sigmoid = (x: Tensor): Tensor => apply('sigmoid', [x], none);
/** Exact GELU, x * Phi(x) with the erf form (PyTorch's default, not the tanh approximation). */
export const gelu = (x: Tensor): Tensor => apply('gelu', [x], none);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => apply('tanh', [x], none);
/** max(x, 0). */
export const relu = (x: Tensor): Tensor => apply('relu', [x], none);
/** 1 / x. */
export const reciprocal = (x: Tensor): Tensor => apply('reciprocal', [x], none);
/** Heaviside step: 1 where x > 0, else 0 (the derivative of relu); times `scale` if given. */
export const step = (x: Tensor, scale?: Tensor): Tensor =>
  apply('step', scale ? [x, scale] : [x], none);
/** d gelu / dx = Phi(x) + x phi(x); times `scale` (of x's shape) in the same pass if given. */
export const geluGrad = (x: Tensor, scale?: Tensor): Tensor =>
  apply('gelu_grad', scale ? [x, scale] : [x], none);
/** scale * x + shift, the scalar arithmetic ops. */
export function affine(x: Tensor, scale: number, shift: number): Tensor {
  requireFinite('affine', 'scale', scale);
  requireFinite('affine', 'shift', shift);
  return apply('affine', [x], { scale, shift });
}
/** x + s for a number s. */
export const addScalar = (x: Tensor, s: number): Tensor => affine(x, 1, s);
/** s * x for a number s. */
export const mulScalar = (x: Tensor, s: number): Tensor => affine(x, s, 0);
/** x^p for a scalar p (negative x only with integer p, else NaN, as in PyTorch). */
export function powScalar(x: Tensor, p: number): Tensor {
  requireFinite('pow_scalar', 'exponent', p);
  return apply('pow_scalar', [x], { p });
}

declare module '../graph/registry' {
  interface OpAttrs {
    neg: NoAttrs;
    exp: NoAttrs;
    log: NoAttrs;
    sqrt: NoAttrs;
    square: NoAttrs;
    sin: NoAttrs;
    cos: NoAttrs;
    gelu: NoAttrs;
    tanh: NoAttrs;
    relu: NoAttrs;
    reciprocal: NoAttrs;
    step: NoAttrs;
    gelu_grad: NoAttrs;
    affine: AffineAttrs;
    pow_scalar: PowAttrs;
    sigmoid: NoAttrs;
  }
}

registerOp('neg', negDef);
registerOp('exp', expDef);
registerOp('log', logDef);
registerOp('sqrt', sqrtDef);
registerOp('square', squareDef);
registerOp('sin', sinDef);
registerOp('cos', cosDef);
registerOp('gelu', geluDef);
registerOp('tanh', tanhDef);
registerOp('relu', reluDef);
registerOp('reciprocal', reciprocalDef);
registerOp('step', stepDef);
registerOp('gelu_grad', geluGradDef);
registerOp('affine', affineDef);
registerOp('pow_scalar', powScalarDef);
registerOp('sigmoid', sigmoidDef);
