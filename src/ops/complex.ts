/**
 * Complex helpers (kernels/complex.wgsl): complex(re, im), real, imag, conj, cmul, and the
 * free views view_as_real / view_as_complex. complex64 is interleaved (re, im) f32 pairs.
 *
 * Gradients follow PyTorch: the gradient of a real loss with respect to a complex z is
 * dL/d re z + i dL/d im z. Hence for y = a * b: ga = g * conj(b), gb = g * conj(a);
 * real(z): complex(g, 0); imag(z): complex(0, g); complex(re, im): (real(g), imag(g)); conj: conj(g).
 * complex and cmul broadcast like NumPy; their gradients are summed back to each input's shape.
 */
import { WgnoError, fmtShape } from '../errors';
import { registerOp, type NoAttrs } from '../graph/registry';
import { apply } from '../graph/apply';
import {
  coalesce,
  broadcastShapes,
  broadcastStrides,
  elemBytes,
  numel,
  type Shape,
  type TensorSpec,
} from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/complex.wgsl?raw';
import { broadcastParams } from './binary';
import { sumTo } from './layout';
import { fill } from './fill';
import type { OpDef } from '../graph/op';
import { perElement } from './cost';

/** Function codes of kernels/complex.wgsl (override OP; WGSL names them OP_COMPLEX, ..., OP_CMUL). */
const CODES = { complex: 0, real: 1, imag: 2, conj: 3, cmul: 4 } as const;
const kernel = defineKernel({
  name: 'complex',
  source,
  params: broadcastParams,
  constants: codes('OP', CODES),
  storage: ['read', 'read', 'read_write'],
});

type Name = keyof typeof CODES;
/** FLOPs per output element (a complex product is 6). */
const COMPLEX_FLOPS: Record<Name, number> = { complex: 0, real: 0, imag: 0, conj: 1, cmul: 6 };

function requireDtype(op: string, x: TensorSpec, i: number, dtype: 'f32' | 'complex64'): void {
  if (x.dtype !== dtype)
    throw new WgnoError(
      op,
      `input ${i} has dtype ${x.dtype} ${fmtShape(x.shape)}; ${op} takes ${dtype}`,
    );
}

const padRank = (s: Shape, r: number): number[] => [
  ...new Array<number>(r - s.length).fill(1),
  ...s,
];

/** Element strides of each input read at every output coordinate (0 along broadcast axes). */
function stridesFor(specs: readonly TensorSpec[], out: Shape): [number[], number[]] {
  const st = (s: TensorSpec) => broadcastStrides(padRank(s.shape, out.length), out);
  return [st(specs[0]), st(specs[specs.length - 1])];
}

type Cx = (a: [number, number], b: [number, number]) => [number, number];
const SCALAR: Record<Name, Cx> = {
  complex: ([a], [b]) => [a, b],
  real: ([re]) => [re, 0],
  imag: ([, im]) => [im, 0],
  conj: ([re, im]) => [re, -im],
  cmul: ([ar, ai], [br, bi]) => [ar * br - ai * bi, ar * bi + ai * br],
};

function reference(
  name: Name,
  inputs: readonly Float64Array[],
  specs: readonly TensorSpec[],
  out: TensorSpec,
): Float64Array {
  const [sa, sb] = stridesFor(specs, out.shape);
  const wa = specs[0].dtype === 'complex64' ? 2 : 1;
  const wo = out.dtype === 'complex64' ? 2 : 1;
  const [a, b] = [inputs[0], inputs[inputs.length - 1]];
  const n = numel(out.shape);
  const y = new Float64Array(n * wo);
  for (let i = 0; i < n; i++) {
    let [rem, ia, ib] = [i, 0, 0];
    for (let k = out.shape.length - 1; k >= 0; k--) {
      const c = rem % out.shape[k];
      rem = Math.floor(rem / out.shape[k]);
      ia += c * sa[k];
      ib += c * sb[k];
    }
    const z = SCALAR[name](
      [a[ia * wa], wa === 2 ? a[ia * wa + 1] : 0],
      [b[ib * wa], wa === 2 ? b[ib * wa + 1] : 0],
    );
    for (let c = 0; c < wo; c++) y[i * wo + c] = z[c];
  }
  return y;
}

function complexOp(
  name: Name,
  inDtype: 'f32' | 'complex64',
  outDtype: 'f32' | 'complex64',
  vjp: OpDef<NoAttrs>['vjp'],
): OpDef<NoAttrs> {
  return {
    name,
    infer(inputs) {
      inputs.forEach((x, i) => requireDtype(name, x, i, inDtype));
      const shape =
        inputs.length === 2
          ? broadcastShapes(name, inputs[0].shape, inputs[1].shape)
          : inputs[0].shape;
      return { shape, dtype: outDtype };
    },
    lower({ inputs, out }) {
      const n = numel(out.shape);
      const c = coalesce(out.shape, stridesFor(inputs, out.shape));
      const b = inputs.length - 1;
      return {
        dispatches: [
          {
            kernel,
            overrides: { OP: CODES[name], RANK: c.shape.length },
            params: { n, shape: c.shape, a_strides: c.strides[0], b_strides: c.strides[1] },
            bindings: [{ input: 0 }, { input: b }, { output: true }],
            grid: grid1d(n),
            // A one-input op binds its input twice but reads it once.
            cost: perElement(n, {
              read: inputs.reduce((s, x) => s + elemBytes(x.dtype), 0),
              write: elemBytes(out.dtype),
              flops: COMPLEX_FLOPS[name],
            }),
          },
        ],
      };
    },
    vjp,
    reference: (inputs, specs, _a, out) => reference(name, inputs, specs, out),
  };
}

/** sumTo for complex64: sum the (re, im) pairs as a trailing f32 axis of 2. */
function sumToComplex(g: Tensor, shape: Shape): Tensor {
  if (g.shape.join() === shape.join()) return g;
  return viewAsComplex(sumTo(viewAsReal(g), [...shape, 2]));
}

export const complexDef = complexOp(
  'complex',
  'f32',
  'complex64',
  ({ g, inputs: [a, b], needs }) => [
    needs[0] ? sumTo(real(g), a.shape) : null,
    needs[1] ? sumTo(imag(g), b.shape) : null,
  ],
);
export const realDef = complexOp('real', 'complex64', 'f32', ({ g }) => [
  complex(g, fill(g.rt, g.shape, 0)),
]);
export const imagDef = complexOp('imag', 'complex64', 'f32', ({ g }) => [
  complex(fill(g.rt, g.shape, 0), g),
]);
export const conjDef = complexOp('conj', 'complex64', 'complex64', ({ g }) => [conj(g)]);
export const cmulDef = complexOp(
  'cmul',
  'complex64',
  'complex64',
  ({ g, inputs: [a, b], needs }) => [
    needs[0] ? sumToComplex(cmul(g, conj(b)), a.shape) : null,
    needs[1] ? sumToComplex(cmul(g, conj(a)), b.shape) : null,
  ],
);

export const viewAsRealDef: OpDef<NoAttrs> = {
  name: 'view_as_real',
  view: true,
  infer([z]) {
    requireDtype('view_as_real', z, 0, 'complex64');
    return { shape: [...z.shape, 2], dtype: 'f32' };
  },
  lower: () => ({ dispatches: [] }),
  vjp: ({ g }) => [viewAsComplex(g)],
  reference: ([z]) => z.slice(),
};

export const viewAsComplexDef: OpDef<NoAttrs> = {
  name: 'view_as_complex',
  view: true,
  infer([x]) {
    requireDtype('view_as_complex', x, 0, 'f32');
    if (x.shape.length < 2 || x.shape[x.shape.length - 1] !== 2)
      throw new WgnoError(
        'view_as_complex',
        `input ${fmtShape(x.shape)} must have a last axis of size 2 (re, im) and rank >= 2`,
      );
    return { shape: x.shape.slice(0, -1), dtype: 'complex64' };
  },
  lower: () => ({ dispatches: [] }),
  vjp: ({ g }) => [viewAsReal(g)],
  reference: ([x]) => x.slice(),
};

const none: NoAttrs = {};
/** re + i im from two f32 tensors (broadcasting). @example complex(re, im) // [4] f32 x2 -> [4] complex64 */
export const complex = (re: Tensor, im: Tensor): Tensor => apply('complex', [re, im], none);
/** Real part of a complex64 tensor, as f32. */
export const real = (z: Tensor): Tensor => apply('real', [z], none);
/** Imaginary part of a complex64 tensor, as f32. */
export const imag = (z: Tensor): Tensor => apply('imag', [z], none);
/** Complex conjugate. */
export const conj = (z: Tensor): Tensor => apply('conj', [z], none);
/** Complex product with NumPy broadcasting. @example cmul(x, w) // [B, C, M] x [C, M] */
export const cmul = (a: Tensor, b: Tensor): Tensor => apply('cmul', [a, b], none);
/** The same memory as f32 with a trailing axis of 2 (re, im): a view, no kernel. */
export const viewAsReal = (z: Tensor): Tensor => apply('view_as_real', [z], none);
/** f32 [..., 2] (re, im) pairs seen as complex64 [...]: a view, no kernel. */
export const viewAsComplex = (x: Tensor): Tensor => apply('view_as_complex', [x], none);

declare module '../graph/registry' {
  interface OpAttrs {
    /** Complex helpers (complex.ts): complex64 is interleaved (re, im) f32 pairs. */
    complex: NoAttrs;
    real: NoAttrs;
    imag: NoAttrs;
    conj: NoAttrs;
    cmul: NoAttrs;
    view_as_real: NoAttrs;
    view_as_complex: NoAttrs;
  }
}

registerOp('complex', complexDef);
registerOp('real', realDef);
registerOp('imag', imagDef);
registerOp('conj', conjDef);
registerOp('cmul', cmulDef);
registerOp('view_as_real', viewAsRealDef);
registerOp('view_as_complex', viewAsComplexDef);
