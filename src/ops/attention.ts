/**
 * Fused multi-head attention: out = per head softmax(scale q k^T) v, never storing the Nq x Nk
 * scores (FlashAttention's online softmax, kernels/attention.wgsl).
 *
 * Two ops make `attention`: `attention_fwd` writes one packed array [O | lse] (the output rows,
 * then each row's logsumexp, which the backward reuses to recompute probabilities), and
 * `attention_out` is a view of its first B*Nq*C values. The backward ops are in
 * attention_backward.ts, shapes and references in attention_reference.ts.
 */
import { WgnoError } from '../errors';
import { apply } from '../graph/apply';
import type { Shape, TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import source from '../../kernels/attention.wgsl?raw';
import { attentionBackward } from './attention_backward';
import { referenceForward } from './attention_reference';
import {
  LANE_THREADS,
  ROWS,
  TILE_FLOATS,
  attentionDims,
  attentionParams,
  paramsOf,
  rowTileGrid,
  tileRows,
  type AttentionAttrs,
  type AttentionDims,
} from './attention_shapes';
import { flatten } from './layout';
import { pad } from './pad';
import type { Cost, Dispatch, OpDef } from '../graph/op';
import { registerOp } from '../graph/registry';

const entry = (name: string) =>
  defineKernel({
    name: 'attention',
    entry: name,
    source,
    params: attentionParams,
    storage: ['read', 'read', 'read', 'read_write'],
  });
const K = { lane: entry('lane'), workgroup: entry('main') };

/**
 * Forward cost. Per row (b, h, i): the query row, then per key 2D reads (k, v) and 4D + 4 FLOPs
 * (score, weighted sum, exp and running sum); rescales of the accumulator (per block of four keys
 * in 'lane', when the max rises in 'workgroup') are not counted.
 * 'lane' reads every key from global memory per row; 'workgroup' once per 64-row query tile.
 */
function forwardCost(dm: AttentionDims, lane: boolean): Cost {
  const rows = dm.batch * dm.heads * dm.nq;
  const keyReads = lane ? rows : dm.batch * dm.heads * Math.ceil(dm.nq / ROWS);
  return {
    read: 4 * (rows * dm.d + keyReads * dm.nk * 2 * dm.d),
    write: 4 * rows * (dm.d + 1),
    flops: rows * dm.nk * (4 * dm.d + 4) + rows * (dm.d + 2),
  };
}

function lowerForward(inputs: readonly TensorSpec[], attrs: AttentionAttrs, lane: boolean) {
  const dm = attentionDims('attention', inputs, attrs);
  const d: Dispatch = {
    kernel: lane ? K.lane : K.workgroup,
    overrides: { WG: lane ? LANE_THREADS : ROWS },
    params: paramsOf(dm, lane ? 0 : tileRows(TILE_FLOATS, ROWS, dm.d)),
    bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { output: true }],
    grid: lane
      ? grid1d(dm.batch * dm.heads * dm.nq, LANE_THREADS)
      : rowTileGrid('attention', dm, dm.nq),
    cost: forwardCost(dm, lane),
  };
  return { dispatches: [d] };
}

export const attentionFwdDef: OpDef<AttentionAttrs> = {
  name: 'attention_fwd',
  infer(inputs, attrs) {
    const dm = attentionDims('attention', inputs, attrs);
    return { shape: [dm.lseOff + dm.batch * dm.heads * dm.nq], dtype: 'f32' };
  },
  lower: ({ inputs, attrs, target }) => lowerForward(inputs, attrs, target.kernels === 'lane'),
  // g is the packed gradient [gO | gL]: the fused backward handles both parts.
  vjp: ({ g, inputs, out, attrs, needs }) => attentionBackward(inputs, out, g, attrs, needs),
  reference: (x, specs, attrs) => referenceForward(x, attentionDims('attention', specs, attrs)),
};

/** The attention output: a view of the first B*Nq*C values of the packed forward output. */
export const attentionOutDef: OpDef<{ readonly shape: Shape }> = {
  name: 'attention_out',
  view: true,
  infer: ([fwd], { shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (fwd.shape.length !== 1 || fwd.shape[0] < n)
      throw new WgnoError('attention_out', `internal: a packed output of ${n}+ values expected`);
    return { shape, dtype: 'f32' };
  },
  lower: () => ({ dispatches: [] }),
  // The logsumexp part gets no gradient from the output: zero-padded behind gO.
  vjp: ({ g, inputs: [fwd] }) => [pad(flatten(g), [0], [fwd.shape[0] - g.size])],
  reference: ([fwd], _s, { shape }) =>
    fwd.slice(
      0,
      shape.reduce((a, b) => a * b, 1),
    ),
};

/** Options of `attention`. */
export interface AttentionOptions {
  /** Number of heads; C must be a multiple, and C / heads (the head dim) at most 128. */
  heads: number;
  /** Score scale; default 1 / sqrt(head dim). */
  scale?: number;
}

/**
 * Multi-head scaled dot-product attention, fused: per batch and head h (channels h*D .. h*D+D-1
 * of C = heads * D, the layout of `nn.MultiheadAttention`'s projections before the head split),
 * out = softmax(scale q k^T) v. q [B, Nq, C], k and v [B, Nk, C] -> [B, Nq, C]. Forward and
 * backward stream over key (or query) blocks: memory stays O(N C), never an Nq x Nk matrix.
 * Deterministic (no atomics). Differentiable to any order (second derivatives build the
 * scores explicitly).
 *
 * @example
 * const y = attention(q, k, v, { heads: 8 }); // q, k, v [1, 1024, 256] -> [1, 1024, 256]
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const dm = q.shape.length === 3 ? q.shape[2] / opts.heads : 1;
  const attrs = { heads: opts.heads, scale: opts.scale ?? 1 / Math.sqrt(dm) };
  const fwd = apply('attention_fwd', [q, k, v], attrs);
  return apply('attention_out', [fwd], { shape: [q.shape[0], q.shape[1], q.shape[2]] });
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** Packed [O | lse] of multi-head attention. */
    attention_fwd: AttentionAttrs;
    /** The O part of attention_fwd's output (a view). */
    attention_out: { readonly shape: Shape };
  }
}

registerOp('attention_fwd', attentionFwdDef);
registerOp('attention_out', attentionOutDef);
