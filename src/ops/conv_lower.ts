/**
 * Kernel dispatches of the three conv ops (src/ops/conv.ts): their uniforms, kernels and costs.
 * 'lane' runs kernels/conv2d.wgsl (an invocation per output pixel and 4 channels, or per weight);
 * 'workgroup' runs the tiled kernels of kernels/conv2d_tiled.wgsl and conv2d_wgrad.wgsl.
 */
import { MAX_GROUPS_PER_DIM, defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/conv2d.wgsl?raw';
import tiledSource from '../../kernels/conv2d_tiled.wgsl?raw';
import wgradSource from '../../kernels/conv2d_wgrad.wgsl?raw';
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
/** Channels per lane invocation and (forward) pixels along a row (OB, JB in kernels/conv2d.wgsl). */
const OB = 4;
const JB = 4;

export const convTileParams = new UniformLayout('ConvTileParams', {
  ...convParams.fields,
  side: 'u32',
  chunk: 'u32',
  dilation: 'u32',
});
const TILED = defineKernel({
  name: 'conv2d_tiled',
  source: tiledSource,
  params: convTileParams,
  constants,
  storage: ['read', 'read', 'read_write'],
});
const WGRAD = defineKernel({
  name: 'conv2d_wgrad',
  source: wgradSource,
  params: convParams,
  constants,
  storage: ['read', 'read', 'read_write'],
});
/** kernels/conv2d_tiled.wgsl: output tile side, output channels per workgroup, staging floats. */
const TILE = { side: 16, channels: 8, patch: 3072, weights: 1024 };

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

/**
 * Lane costs, per term: the forward loads OB weights and JB activations per tap of each 4 x 4
 * block, the transpose one output gradient and OB weights per OB input channels; the weight
 * gradient, per 4 weight rows and output position, 4 output gradients and k activations.
 */
function laneCost(kind: ConvKind, d: ConvDims, g: ConvGeometry): Cost {
  const n = terms(d, g);
  const flops = 2 * n;
  if (kind === 'weightGrad') {
    const rows = Math.ceil(d.cout / OB) * d.cin * g.k;
    const read = 4 * rows * d.batch * d.ho * d.wo * (OB + g.k);
    return { read, write: 4 * d.cout * d.cin * g.k * g.k, flops };
  }
  if (kind === 'forward') {
    const blocks = d.batch * Math.ceil(d.cout / OB) * d.ho * Math.ceil(d.wo / JB);
    const read = 4 * blocks * d.cin * g.k * g.k * (OB + JB);
    return { read, write: 4 * d.batch * d.cout * d.ho * d.wo, flops };
  }
  const read = 4 * (n / d.cin) * Math.ceil(d.cin / OB) * (1 + OB);
  return { read, write: 4 * d.batch * d.cin * d.h * d.w, flops };
}

/**
 * A dispatch of kernels/conv2d_tiled.wgsl: the forward, or (`transpose`) a zero-padded
 * conv_transpose2d as a stride-1 conv of the dilated output gradient with the flipped kernel. Null
 * where one channel's patch does not fit workgroup memory (strides and kernels far beyond MgNO's).
 */
function tiled(d: ConvDims, g: ConvGeometry, transpose: boolean): Dispatch | null {
  // The kernel's own view: what it reads (input) and writes (output), and how.
  const v = transpose
    ? {
        cin: d.cout,
        cout: d.cin,
        h: d.ho,
        w: d.wo,
        ho: d.h,
        wo: d.w,
        stride: 1,
        pad: g.k - 1 - g.pad,
      }
    : {
        cin: d.cin,
        cout: d.cout,
        h: d.h,
        w: d.w,
        ho: d.ho,
        wo: d.wo,
        stride: g.stride,
        pad: g.pad,
      };
  const side = (TILE.side - 1) * v.stride + g.k;
  const chunk = Math.min(
    v.cin,
    Math.floor(TILE.patch / (side * side)),
    Math.floor(TILE.weights / (TILE.channels * g.k * g.k)),
  );
  if (chunk < 1) return null;
  const tiles = Math.ceil(v.ho / TILE.side) * Math.ceil(v.wo / TILE.side);
  const blocks = Math.ceil(v.cout / TILE.channels);
  const groups = tiles * blocks * d.batch;
  // Each workgroup loads every input channel's patch and its 8 channels' weights once. The
  // transpose also multiplies the zeros of the dilation: stride^2 times the useful FLOPs.
  const read = 4 * groups * v.cin * (side * side + TILE.channels * g.k * g.k);
  const flops = 2 * terms(d, g) * (transpose ? g.stride * g.stride : 1);
  return {
    kernel: TILED,
    overrides: { MODE: PAD_CODES[g.mode], TRANSPOSE: transpose ? 1 : 0 },
    params: { batch: d.batch, ...v, k: g.k, side, chunk, dilation: transpose ? g.stride : 1 },
    bindings: [{ input: 0 }, { input: 1 }, { output: true }],
    grid: [tiles, blocks, d.batch],
    cost: { read, write: 4 * d.batch * v.cout * v.ho * v.wo, flops },
  };
}

/** kernels/conv2d_wgrad.wgsl: a workgroup per weight row (o, c, p), a tree sum of 256 partials. */
function workgroupWeightGrad(d: ConvDims, g: ConvGeometry): Dispatch {
  const rows = d.cout * d.cin * g.k;
  const positions = d.batch * d.ho * d.wo;
  return {
    kernel: WGRAD,
    overrides: { MODE: PAD_CODES[g.mode] },
    params: params(d, g),
    bindings: [{ input: 0 }, { input: 1 }, { output: true }],
    grid: [Math.min(rows, MAX_GROUPS_PER_DIM), Math.ceil(rows / MAX_GROUPS_PER_DIM), 1],
    // Each row reads the output gradient once and k activations per output position.
    cost: { read: 4 * rows * positions * (1 + g.k), write: 4 * rows * g.k, flops: 2 * terms(d, g) },
  };
}

/** The lane dispatch of kernels/conv2d.wgsl for one op. */
function laneDispatch(kind: ConvKind, d: ConvDims, g: ConvGeometry): Dispatch {
  const threads =
    kind === 'forward'
      ? d.batch * Math.ceil(d.cout / OB) * d.ho * Math.ceil(d.wo / JB)
      : kind === 'transpose'
        ? d.batch * Math.ceil(d.cin / OB) * d.h * d.w
        : Math.ceil(d.cout / OB) * d.cin * g.k;
  return {
    kernel: LANE[kind],
    overrides: { MODE: PAD_CODES[g.mode] },
    params: params(d, g),
    bindings: [{ input: 0 }, { input: 1 }, { output: true }],
    grid: grid1d(threads),
    cost: laneCost(kind, d, g),
  };
}

/**
 * A zero-padded, stride-1 transpose on the lane forward kernel (TRANSPOSE = 1): the direct conv of
 * the output gradient, padded by k - 1 - pad, with the flipped kernel, so it gets the forward's
 * 4 x 4 register blocks.
 */
function laneTransposeAsForward(d: ConvDims, g: ConvGeometry): Dispatch {
  const flipped: ConvDims = { ...d, cin: d.cout, cout: d.cin, h: d.ho, w: d.wo, ho: d.h, wo: d.w };
  const as: ConvGeometry = { ...g, pad: g.k - 1 - g.pad };
  return {
    ...laneDispatch('forward', flipped, as),
    overrides: { MODE: PAD_CODES.zeros, TRANSPOSE: 1 },
  };
}

/**
 * The dispatches of one conv op (inputs in kernels/conv2d.wgsl's order a, b). 'workgroup' tiles
 * the forward, the zero-padded transpose and the weight gradient. A circular or reflect transpose
 * runs the lane kernel on both: its halo copies fold in from across the image, so a tile of x does
 * not read one tile of y.
 */
export function lowerConv(
  kind: ConvKind,
  d: ConvDims,
  g: ConvGeometry,
  style: KernelStyle,
): Lowered {
  if (style === 'workgroup') {
    if (kind === 'weightGrad') return { dispatches: [workgroupWeightGrad(d, g)] };
    const t =
      kind === 'forward' ? tiled(d, g, false) : g.mode === 'zeros' ? tiled(d, g, true) : null;
    if (t) return { dispatches: [t] };
  }
  if (kind === 'transpose' && g.mode === 'zeros' && g.stride === 1)
    return { dispatches: [laneTransposeAsForward(d, g)] };
  return { dispatches: [laneDispatch(kind, d, g)] };
}
