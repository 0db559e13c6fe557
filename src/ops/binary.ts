import { WgnoError, fmtShape } from '../errors';
import { registerOp, type NoAttrs } from '../graph/registry';
import { apply } from '../graph/apply';
import {
  broadcastShapes,
  broadcastStrides,
  coalesce,
  numel,
  type Shape,
  type TensorSpec,
} from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/binary.wgsl?raw';
import { sumTo } from './layout';
import type { LowerArgs, Lowered, OpDef, VjpArgs } from '../graph/op';
import { powSigned } from './special';
import { perElement } from './cost';

// unary.ts builds its VJPs from this module's products, so the three unary ops these VJPs need
// are recorded by name through the registry instead of imported: the op modules form no cycle.
const neg = (x: Tensor): Tensor => apply('neg', [x], {});
/** -x for f32 or complex64 (neg is f32 only; a complex tensor is negated as its (re, im) pairs). */
const negAny = (x: Tensor): Tensor =>
  x.dtype === 'complex64'
    ? apply('view_as_complex', [neg(apply('view_as_real', [x], {}))], {})
    : neg(x);
const log = (x: Tensor): Tensor => apply('log', [x], {});
const affine = (x: Tensor, scale: number, shift: number): Tensor =>
  apply('affine', [x], { scale, shift });

/** Uniforms of the broadcasting elementwise kernels (binary.wgsl, complex.wgsl). */
export const broadcastParams = new UniformLayout('BroadcastParams', {
  n: 'u32',
  shape: { vec4: 'u32', length: 8 },
  a_strides: { vec4: 'u32', length: 8 },
  b_strides: { vec4: 'u32', length: 8 },
});
/** Function codes of kernels/binary.wgsl (override OP; WGSL names them OP_ADD, ..., OP_POW). */
const BINARY_CODES = { add: 0, sub: 1, mul: 2, div: 3, pow: 4 } as const;
/**
 * Epilogues binary.wgsl's store can apply (override ACT; ACT_NONE = 0): the planner fuses a GELU
 * that alone reads an f32 sum or product (an FNO block's skip add) into it.
 */
const BINARY_ACTS = { none: 0, gelu: 1 } as const;
/** FLOPs of each epilogue per element (as unary.ts counts GELU). */
const ACT_FLOPS = { none: 0, gelu: 4 } as const;
const kernel = defineKernel({
  name: 'binary',
  source,
  params: broadcastParams,
  constants: { ...codes('OP', BINARY_CODES), ...codes('ACT', BINARY_ACTS) },
  storage: ['read', 'read', 'read_write'],
});

type BinaryName = keyof typeof BINARY_CODES;

/** add and sub also take complex64 (componentwise); the others are f32 only. */
const COMPLEX_OK: ReadonlySet<BinaryName> = new Set(['add', 'sub']);

function binaryOp(
  name: BinaryName,
  scalar: (a: number, b: number) => number,
  vjp: (args: VjpArgs<NoAttrs>) => [Tensor | null, Tensor | null],
): OpDef<NoAttrs> {
  return {
    name,
    infer([a, b]) {
      if (a.dtype !== b.dtype)
        throw new WgnoError(
          name,
          `dtypes differ: ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`,
        );
      if (a.dtype === 'complex64' && !COMPLEX_OK.has(name))
        throw new WgnoError(name, `complex64 is not supported; ${name} takes f32`);
      return { shape: broadcastShapes(name, a.shape, b.shape), dtype: a.dtype };
    },
    lower: (args) => lowerBinary(name, args, 'none'),
    lowerWithEpilogue: (args, epilogue) =>
      epilogue in BINARY_ACTS && args.out.dtype === 'f32'
        ? lowerBinary(name, args, epilogue as keyof typeof BINARY_ACTS)
        : null,
    vjp: (args) => {
      const [ga, gb] = vjp(args);
      return [ga && sumTo(ga, args.inputs[0].shape), gb && sumTo(gb, args.inputs[1].shape)];
    },
    reference: (inputs, specs, _attrs, out) => referenceBroadcast(inputs, specs, out, scalar),
  };
}

function lowerBinary(
  name: BinaryName,
  { inputs: [a, b], out }: LowerArgs<NoAttrs>,
  act: keyof typeof BINARY_ACTS,
): Lowered {
  // complex64: a trailing axis of 2 floats makes the same kernel act componentwise.
  const pair = out.dtype === 'complex64';
  const sh = (s: Shape) => (pair ? [...s, 2] : [...s]);
  const shape = sh(out.shape);
  const n = numel(shape);
  const c = coalesce(shape, [
    broadcastStrides(sh(padRank(a.shape, out.shape.length)), shape),
    broadcastStrides(sh(padRank(b.shape, out.shape.length)), shape),
  ]);
  const params = { n, shape: c.shape, a_strides: c.strides[0], b_strides: c.strides[1] };
  return {
    dispatches: [
      {
        kernel,
        overrides: { OP: BINARY_CODES[name], RANK: c.shape.length, ACT: BINARY_ACTS[act] },
        params,
        bindings: [{ input: 0 }, { input: 1 }, { output: true }],
        grid: grid1d(n),
        // n floats: each reads an element of both inputs (broadcast ones again), 1 FLOP.
        cost: perElement(n, { read: 8, write: 4, flops: 1 + ACT_FLOPS[act] }),
      },
    ],
  };
}

function padRank(s: Shape, rank: number): number[] {
  return [...new Array<number>(rank - s.length).fill(1), ...s];
}

function referenceBroadcast(
  [a, b]: readonly Float64Array[],
  [sa, sb]: readonly TensorSpec[],
  out: TensorSpec,
  f: (x: number, y: number) => number,
): Float64Array {
  const pair = out.dtype === 'complex64' ? 2 : 1;
  const shape = pair === 2 ? [...out.shape, 2] : [...out.shape];
  const ext = (s: Shape) =>
    pair === 2 ? [...padRank(s, out.shape.length), 2] : padRank(s, out.shape.length);
  const ast = broadcastStrides(ext(sa.shape), shape);
  const bst = broadcastStrides(ext(sb.shape), shape);
  const n = numel(shape);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let ia = 0;
    let ib = 0;
    for (let k = shape.length - 1; k >= 0; k--) {
      const c = rem % shape[k];
      rem = Math.floor(rem / shape[k]);
      ia += c * ast[k];
      ib += c * bst[k];
    }
    y[i] = f(a[ia], b[ib]);
  }
  return y;
}

export const addDef = binaryOp(
  'add',
  (x, y) => x + y,
  ({ g }) => [g, g],
);
export const subDef = binaryOp(
  'sub',
  (x, y) => x - y,
  ({ g, needs }) => [g, needs[1] ? negAny(g) : null],
);
export const mulDef = binaryOp(
  'mul',
  (x, y) => x * y,
  ({ g, inputs: [a, b], needs }) => [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null],
);
export const divDef = binaryOp(
  'div',
  (x, y) => x / y,
  ({ g, inputs: [, b], out, needs }) => [
    needs[0] ? div(g, b) : null,
    needs[1] ? neg(div(mul(g, out), b)) : null, // d(a/b)/db = -(a/b)/b
  ],
);
export const powDef = binaryOp('pow', powSigned, ({ g, inputs: [a, b], out, needs }) => [
  needs[0] ? mul(g, mul(b, pow(a, affine(b, 1, -1)))) : null, // b a^(b-1)
  needs[1] ? mul(g, mul(out, log(a))) : null,
]);

const none: NoAttrs = {};
/** a + b with broadcasting (f32 or complex64). */
export const add = (a: Tensor, b: Tensor): Tensor => apply('add', [a, b], none);
/** a - b with broadcasting (f32 or complex64). */
export const sub = (a: Tensor, b: Tensor): Tensor => apply('sub', [a, b], none);
/** a * b elementwise with broadcasting (f32). */
export const mul = (a: Tensor, b: Tensor): Tensor => apply('mul', [a, b], none);
/** a / b elementwise with broadcasting (f32). */
export const div = (a: Tensor, b: Tensor): Tensor => apply('div', [a, b], none);
/** a^b elementwise (negative a only with integer b). */
export const pow = (a: Tensor, b: Tensor): Tensor => apply('pow', [a, b], none);

declare module '../graph/registry' {
  interface OpAttrs {
    add: NoAttrs;
    sub: NoAttrs;
    mul: NoAttrs;
    div: NoAttrs;
    pow: NoAttrs;
  }
}

registerOp('add', addDef);
registerOp('sub', subDef);
registerOp('mul', mulDef);
registerOp('div', divDef);
registerOp('pow', powDef);
