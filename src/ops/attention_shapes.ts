/**
 * Multi-head attention's shapes, uniforms and grids (src/ops/attention.ts has the ops).
 *
 * Conventions: q [B, Nq, C], k and v [B, Nk, C], C = heads * D; head h owns channels
 * h*D .. h*D + D-1 (a projection's output before the head split). The forward op writes one
 * packed array [O (B*Nq*C) | lse (B*H*Nq)], O [B, Nq, C] and lse[b, h, i] = log sum_j exp(s_ij)
 * with s_ij = scale * q_i . k_j; the attention output is a view of its first part.
 */
import { WgnoError, fmtShape } from '../errors';
import type { TensorSpec } from '../graph/shape';
import { MAX_GROUPS_PER_DIM } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { requireF32, requireFinite } from './elementwise';

/** Largest head dim the kernels hold in private rows (kernels/attention*.wgsl DMAX). */
export const MAX_HEAD_DIM = 128;

export const attentionParams = new UniformLayout('AttentionParams', {
  batch: 'u32',
  heads: 'u32',
  nq: 'u32',
  nk: 'u32',
  c: 'u32',
  d: 'u32',
  /** Where the logsumexp rows start in the packed forward output (B * Nq * C). */
  lse_off: 'u32',
  scale: 'f32',
  /** Rows of the other side staged per tile ('workgroup' kernels; 0 for 'lane'). */
  tile: 'u32',
});

export interface AttentionAttrs {
  readonly heads: number;
  readonly scale: number;
}

export interface AttentionDims {
  batch: number;
  heads: number;
  nq: number;
  nk: number;
  c: number;
  d: number;
  scale: number;
  /** B * Nq * C: the output's size and the offset of lse in the packed forward output. */
  lseOff: number;
}

/** Validate q [B, Nq, C], k and v [B, Nk, C] for `heads` heads (WgnoErrors name what is wrong). */
export function attentionDims(
  op: string,
  [q, k, v]: readonly TensorSpec[],
  { heads, scale }: AttentionAttrs,
): AttentionDims {
  requireF32(op, [q, k, v]);
  const show = `q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)}`;
  if (q.shape.length !== 3 || k.shape.length !== 3 || v.shape.length !== 3)
    throw new WgnoError(op, `${show}: q, k and v must be rank 3, [B, N, C]`);
  const [batch, nq, c] = q.shape;
  const [kb, nk, kc] = k.shape;
  if (kb !== batch || v.shape[0] !== batch)
    throw new WgnoError(op, `${show}: batch sizes differ; q, k and v need the same B`);
  if (v.shape[1] !== nk)
    throw new WgnoError(op, `${show}: k has ${nk} keys but v has ${v.shape[1]}; they must match`);
  if (kc !== c || v.shape[2] !== c)
    throw new WgnoError(op, `${show}: channel counts differ; q, k and v need the same C`);
  if (!Number.isInteger(heads) || heads < 1 || c % heads !== 0)
    throw new WgnoError(op, `heads = ${heads} must be a positive divisor of C = ${c}`);
  const d = c / heads;
  if (d > MAX_HEAD_DIM)
    throw new WgnoError(
      op,
      `head dim C / heads = ${c} / ${heads} = ${d} exceeds ${MAX_HEAD_DIM}; use more heads`,
    );
  requireFinite(op, 'scale', scale);
  return { batch, heads, nq, nk, c, d, scale, lseOff: batch * nq * c };
}

/** The uniform values every attention kernel reads (`tile`: rows per staged tile). */
export function paramsOf(d: AttentionDims, tile = 0) {
  return {
    batch: d.batch,
    heads: d.heads,
    nq: d.nq,
    nk: d.nk,
    c: d.c,
    d: d.d,
    lse_off: d.lseOff,
    scale: d.scale,
    tile,
  };
}

/** Threads per workgroup of the 'workgroup' kernels: one query (or key) row each. */
export const ROWS = 64;
/** Floats of one staged tile (TILE_FLOATS of kernels/attention.wgsl and attention_dq.wgsl). */
export const TILE_FLOATS = 2048;

/** Rows of head dim `d` that fit a tile of `floats`, at most `max`. */
export const tileRows = (floats: number, max: number, d: number) =>
  Math.min(max, Math.floor(floats / d));
/** Threads per workgroup of the 'lane' kernels. */
export const LANE_THREADS = 256;

/** The grid of a 'workgroup' kernel: tiles of ROWS of `n` rows in x, one (b, h) per y. */
export function rowTileGrid(op: string, dm: AttentionDims, n: number): [number, number, number] {
  const tiles = Math.ceil(n / ROWS);
  const bh = dm.batch * dm.heads;
  if (tiles > MAX_GROUPS_PER_DIM || bh > MAX_GROUPS_PER_DIM)
    throw new WgnoError(
      op,
      `${n} rows in tiles of ${ROWS} or B * heads = ${bh} exceed the ${MAX_GROUPS_PER_DIM}-workgroup grid limit`,
    );
  return [tiles, bh, 1];
}
