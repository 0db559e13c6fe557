/**
 * The backward of fused attention (FlashAttention-2's, Dao 2023), deterministic and without
 * atomics, as three ops from the forward's packed output [O | lse] and its gradient [gO | gL]:
 *  - attention_delta: delta_i = gO_i . O_i - gL_i per (b, h, row);
 *  - attention_dq: per query row, a loop over the keys recomputing p_ij = exp(s_ij - lse_i);
 *  - attention_dkv: per key row, a loop over the queries; [2, B, Nk, C] = dk, then dv.
 * Their own VJPs build the scores explicitly (attention_explicit.ts).
 */
import { apply } from '../graph/apply';
import type { TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d, type KernelDef } from '../gpu/kernel';
import deltaSource from '../../kernels/attention_delta.wgsl?raw';
import dqSource from '../../kernels/attention_dq.wgsl?raw';
import dkvSource from '../../kernels/attention_dkv.wgsl?raw';
import { deltaVjp, dkvVjp, dqVjp } from './attention_explicit';
import { referenceBackward, referenceDelta } from './attention_reference';
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
import { reshape } from './layout';
import { slice } from './pad';
import type { Cost, Dispatch, OpDef } from '../graph/op';
import { registerOp } from '../graph/registry';

const GRAD_STORAGE = ['read', 'read', 'read', 'read', 'read', 'read', 'read_write'] as const;
const kernel = (name: string, source: string, entry: string) =>
  defineKernel({ name, entry, source, params: attentionParams, storage: GRAD_STORAGE });
const DQ = {
  lane: kernel('attention_dq', dqSource, 'lane'),
  workgroup: kernel('attention_dq', dqSource, 'main'),
};
const DKV = {
  lane: kernel('attention_dkv', dkvSource, 'lane'),
  workgroup: kernel('attention_dkv', dkvSource, 'main'),
};
const DELTA = defineKernel({
  name: 'attention_delta',
  source: deltaSource,
  params: attentionParams,
  storage: ['read', 'read', 'read_write'],
});
/** Floats of a staged tile of kernels/attention_dkv.wgsl (two tiles and two rows in 16 KiB). */
const DKV_TILE_FLOATS = 1984;

/** The (q, k, v) specs of a backward op's inputs (q, k, v, fwd, g, delta). */
const dimsOf = (op: string, inputs: readonly TensorSpec[], attrs: AttentionAttrs) =>
  attentionDims(op, inputs.slice(0, 3), attrs);

/**
 * A gradient pass: `rows` rows per (b, h), each looping over `others` rows of the other side.
 * Per row: its two D-float rows, lse and delta read, `rowWrites` floats written; per pair
 * `pairReads` floats from global memory ('lane'; 'workgroup' stages a tile once per 64 rows)
 * and `pairFlops` FLOPs.
 */
interface Pass {
  kernels: { lane: KernelDef; workgroup: KernelDef };
  /** The staged tile's float budget and its most rows. */
  tile: { floats: number; max: number };
  rows: number;
  others: number;
  pairReads: number;
  pairFlops: number;
  rowWrites: number;
}

function passCost(dm: AttentionDims, lane: boolean, p: Pass): Cost {
  const bh = dm.batch * dm.heads;
  const readers = lane ? bh * p.rows : bh * Math.ceil(p.rows / ROWS);
  const tileReads = lane ? p.pairReads : 2 * dm.d + 2;
  return {
    read: 4 * (bh * p.rows * (2 * dm.d + 2) + readers * p.others * tileReads),
    write: 4 * bh * p.rows * p.rowWrites,
    flops: bh * p.rows * p.others * p.pairFlops,
  };
}

/** The one dispatch of a gradient pass, reading inputs (q, k, v, fwd, g, delta). */
function lowerPass(op: string, dm: AttentionDims, lane: boolean, p: Pass): Dispatch {
  return {
    kernel: lane ? p.kernels.lane : p.kernels.workgroup,
    overrides: { WG: lane ? LANE_THREADS : ROWS },
    params: paramsOf(dm, lane ? 0 : tileRows(p.tile.floats, p.tile.max, dm.d)),
    bindings: [
      { input: 0 },
      { input: 1 },
      { input: 2 },
      { input: 3 },
      { input: 4 },
      { input: 5 },
      { output: true },
    ],
    grid: lane ? grid1d(dm.batch * dm.heads * p.rows, LANE_THREADS) : rowTileGrid(op, dm, p.rows),
    cost: passCost(dm, lane, p),
  };
}

/** dq: per query row over the keys; 'lane' reads k twice and v once per key; 6D + 3 FLOPs. */
const dqPass = (dm: AttentionDims): Pass => ({
  kernels: DQ,
  tile: { floats: TILE_FLOATS, max: ROWS },
  rows: dm.nq,
  others: dm.nk,
  pairReads: 3 * dm.d,
  pairFlops: 6 * dm.d + 3,
  rowWrites: dm.d,
});

/** dk, dv: per key row over the queries; 'lane' reads q and gO twice, lse and delta; 8D + 3. */
const dkvPass = (dm: AttentionDims): Pass => ({
  kernels: DKV,
  tile: { floats: DKV_TILE_FLOATS, max: ROWS - 2 },
  rows: dm.nk,
  others: dm.nq,
  pairReads: 4 * dm.d + 2,
  pairFlops: 8 * dm.d + 3,
  rowWrites: 2 * dm.d,
});

/** attention_dq and attention_dkv: inputs (q, k, v, fwd, g, delta). */
function gradDef(
  name: 'attention_dq' | 'attention_dkv',
  pass: (dm: AttentionDims) => Pass,
  vjp: typeof dqVjp,
): OpDef<AttentionAttrs> {
  const which = name === 'attention_dq' ? 'q' : 'kv';
  return {
    name,
    infer(inputs, attrs) {
      const [q, k] = inputs;
      dimsOf(name, inputs, attrs);
      return { shape: which === 'q' ? q.shape : [2, ...k.shape], dtype: 'f32' };
    },
    lower: ({ inputs, attrs, target }) => ({
      dispatches: [
        lowerPass(
          name,
          dimsOf(name, inputs, attrs),
          target.kernels === 'lane',
          pass(dimsOf(name, inputs, attrs)),
        ),
      ],
    }),
    vjp: ({ g, inputs, attrs, needs }) => vjp(inputs, dimsOf(name, inputs, attrs), g, needs),
    reference: (x, specs, attrs) => referenceBackward(x, dimsOf(name, specs, attrs), which),
  };
}

export const attentionDqDef = gradDef('attention_dq', dqPass, dqVjp);
export const attentionDkvDef = gradDef('attention_dkv', dkvPass, dkvVjp);

/** Inputs (fwd, g): the packed forward output and its gradient; carries q's (B, Nq, C) in attrs. */
export const attentionDeltaDef: OpDef<AttentionDeltaAttrs> = {
  name: 'attention_delta',
  infer: (_inputs, { dims }) => ({ shape: [dims.batch, dims.heads, dims.nq], dtype: 'f32' }),
  lower: ({ attrs: { dims: dm } }) => {
    const rows = dm.batch * dm.heads * dm.nq;
    const cost = { read: 4 * rows * (2 * dm.d + 1), write: 4 * rows, flops: rows * (2 * dm.d + 1) };
    const bindings = [{ input: 0 }, { input: 1 }, { output: true as const }];
    const grid = grid1d(rows, LANE_THREADS);
    return {
      dispatches: [
        {
          kernel: DELTA,
          overrides: { WG: LANE_THREADS },
          params: paramsOf(dm),
          bindings,
          grid,
          cost,
        },
      ],
    };
  },
  vjp: ({ g, inputs, attrs, needs }) => deltaVjp(inputs, attrs.dims, g, needs),
  reference: (x, _s, { dims }) => referenceDelta(x, dims),
};

export interface AttentionDeltaAttrs {
  readonly dims: AttentionDims;
}

/**
 * The VJP of attention_fwd: gradients of q, k, v (those in `needs`) from the packed output
 * `fwd` and its packed gradient `g`.
 */
export function attentionBackward(
  inputs: readonly Tensor[],
  fwd: Tensor,
  g: Tensor,
  attrs: AttentionAttrs,
  needs: readonly boolean[],
): (Tensor | null)[] {
  const [q, k, v] = inputs;
  const dims = attentionDims('attention', inputs, attrs);
  const delta = apply('attention_delta', [fwd, g], { dims });
  const all = [q, k, v, fwd, g, delta];
  const dq = needs[0] ? apply('attention_dq', all, attrs) : null;
  if (!needs[1] && !needs[2]) return [dq, null, null];
  const dkv = apply('attention_dkv', all, attrs);
  const part = (i: number) => reshape(slice(dkv, 0, i, i + 1), k.shape);
  return [dq, needs[1] ? part(0) : null, needs[2] ? part(1) : null];
}

declare module '../graph/registry' {
  interface OpAttrs {
    attention_delta: AttentionDeltaAttrs;
    attention_dq: AttentionAttrs;
    attention_dkv: AttentionAttrs;
  }
}

registerOp('attention_delta', attentionDeltaDef);
registerOp('attention_dq', attentionDqDef);
registerOp('attention_dkv', attentionDkvDef);
