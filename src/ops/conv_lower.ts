/**
 * Kernel dispatches of the three conv ops (src/ops/conv.ts): their uniforms, kernels and costs.
 * 'lane' runs kernels/conv2d.wgsl (an invocation per output pixel and 4 channels, or per weight);
 * 'workgroup' runs the tiled kernels of kernels/conv2d_tiled.wgsl and conv2d_wgrad.wgsl.
 */
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/conv2d.wgsl?raw';
import type { ConvDims, ConvGeometry, PadMode } from './conv_reference';
import type { Cost, Dispatch, Lowered } from '../graph/op';
import type { KernelStyle } from '../gpu/target';

export const convParams = new UniformLayout('ConvParams', {
  batch: 'u32',
  cin: 'u32',
  cout: 'u32',
  h: 'u32',
  w: 'u32',
  ho: 'u32',
  wo: 'u32',
  k: 'u32',
  stride: 'u32',
  pad: 'u32',
});

/** kernels/lib/conv_pad.wgsl's MODE codes. */
export const PAD_CODES: Record<PadMode, number> = { zeros: 0, circular: 1, reflect: 2 };
const constants = codes('PAD', PAD_CODES);

const lane = (entry: string) =>
  defineKernel({
    name: 'conv2d',
    entry,
    source,
    params: convParams,
    constants,
    storage: ['read', 'read', 'read_write'],
  });
const LANE = {
  forward: lane('forward'),
  transpose: lane('transpose'),
  weightGrad: lane('weight_grad'),
};
/** Channels per lane invocation (OB in kernels/conv2d.wgsl). */
const OB = 4;

export type ConvKind = 'forward' | 'transpose' | 'weightGrad';

/** Which of the three ops a dispatch computes: its kernel reads (a, b) and writes out. */
function params(d: ConvDims, g: ConvGeometry) {
  return { ...d, k: g.k, stride: g.stride, pad: g.pad };
}

/**
 * The FLOPs of every op are the same sum, 2 per term: a multiply-add for each (output pixel,
 * Cout, Cin, tap) that reads the input (the zero halo skipped: counted here as if it were read).
 */
function terms(d: ConvDims, g: ConvGeometry): number {
  return d.batch * d.cout * d.ho * d.wo * d.cin * g.k * g.k;
}

/** Lane costs: every term reads one activation per OB channels and OB weights (or one each). */
function laneCost(kind: ConvKind, d: ConvDims, g: ConvGeometry): Cost {
  const n = terms(d, g);
  const flops = 2 * n;
  if (kind === 'weightGrad') return { read: 8 * n, write: 4 * d.cout * d.cin * g.k * g.k, flops };
  const blocks = kind === 'forward' ? Math.ceil(d.cout / OB) : Math.ceil(d.cin / OB);
  const per = kind === 'forward' ? d.cout : d.cin; // the channels kept in registers
  const write = kind === 'forward' ? d.batch * d.cout * d.ho * d.wo : d.batch * d.cin * d.h * d.w;
  return { read: 4 * (n / per) * blocks * (1 + OB), write: 4 * write, flops };
}

/** The dispatches of one conv op: `a`, `b` are its two inputs in kernels/conv2d.wgsl's order. */
export function lowerConv(
  kind: ConvKind,
  d: ConvDims,
  g: ConvGeometry,
  _style: KernelStyle,
): Lowered {
  const threads =
    kind === 'forward'
      ? d.batch * Math.ceil(d.cout / OB) * d.ho * d.wo
      : kind === 'transpose'
        ? d.batch * Math.ceil(d.cin / OB) * d.h * d.w
        : d.cout * d.cin * g.k * g.k;
  const dispatch: Dispatch = {
    kernel: LANE[kind],
    overrides: { MODE: PAD_CODES[g.mode] },
    params: params(d, g),
    bindings: [{ input: 0 }, { input: 1 }, { output: true }],
    grid: grid1d(threads),
    cost: laneCost(kind, d, g),
  };
  return { dispatches: [dispatch] };
}
