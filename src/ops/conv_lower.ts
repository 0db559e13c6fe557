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
/** Channels per lane invocation (OB in kernels/conv2d.wgsl). */
const OB = 4;

export const convTileParams = new UniformLayout('ConvTileParams', {
  ...convParams.fields,
  side: 'u32',
  chunk: 'u32',
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

/**
 * The tiled forward of kernels/conv2d_tiled.wgsl, or null where a patch of one channel does not
 * fit its workgroup memory (strides and kernels far beyond MgNO's).
 */
function tiledForward(d: ConvDims, g: ConvGeometry): Dispatch | null {
  const side = (TILE.side - 1) * g.stride + g.k;
  const chunk = Math.min(
    d.cin,
    Math.floor(TILE.patch / (side * side)),
    Math.floor(TILE.weights / (TILE.channels * g.k * g.k)),
  );
  if (chunk < 1) return null;
  const tiles = Math.ceil(d.ho / TILE.side) * Math.ceil(d.wo / TILE.side);
  const blocks = Math.ceil(d.cout / TILE.channels);
  const groups = tiles * blocks * d.batch;
  // Each workgroup loads every input channel's patch and its 8 channels' weights once.
  const read = 4 * groups * d.cin * (side * side + TILE.channels * g.k * g.k);
  return {
    kernel: TILED,
    overrides: { MODE: PAD_CODES[g.mode] },
    params: { ...params(d, g), side, chunk },
    bindings: [{ input: 0 }, { input: 1 }, { output: true }],
    grid: [tiles, blocks, d.batch],
    cost: { read, write: 4 * d.batch * d.cout * d.ho * d.wo, flops: 2 * terms(d, g) },
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
      ? d.batch * Math.ceil(d.cout / OB) * d.ho * d.wo
      : kind === 'transpose'
        ? d.batch * Math.ceil(d.cin / OB) * d.h * d.w
        : d.cout * d.cin * g.k * g.k;
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
 * The dispatches of one conv op (inputs in kernels/conv2d.wgsl's order a, b). 'workgroup' tiles
 * the forward and the weight gradient; the transpose runs the lane kernel on both (its halo
 * copies may lie across the image, so a tile of x does not read a tile of y).
 */
export function lowerConv(
  kind: ConvKind,
  d: ConvDims,
  g: ConvGeometry,
  style: KernelStyle,
): Lowered {
  const wg = style === 'workgroup';
  if (wg && kind === 'forward') {
    const tiled = tiledForward(d, g);
    if (tiled) return { dispatches: [tiled] };
  }
  if (wg && kind === 'weightGrad') return { dispatches: [workgroupWeightGrad(d, g)] };
  return { dispatches: [laneDispatch(kind, d, g)] };
}
