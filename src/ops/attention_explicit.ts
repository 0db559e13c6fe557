/**
 * The VJPs of the attention backward ops (attention_delta, attention_dq, attention_dkv), written
 * with explicit scores from differentiable ops (matmul, exp, mul, sum, pad, slices), so
 * derivatives of any order exist. The fused kernels never hold an Nq x Nk matrix; these do,
 * [B, H, Nq, Nk] per use. That is acceptable because only second (and higher) derivatives
 * through attention reach them, which is rare.
 *
 * Per head, with S = scale Q K^T, P = exp(S - lse), dP = gO V^T, A = P (dP - delta) (the
 * backward's dS): dq = scale A K, dk = scale A^T Q, dv = P^T gO. Given the cotangents of those
 * outputs, `chain` runs the chain rule back through A, P and dP to each op input: q, k, v, the
 * packed forward [O | lse], the packed gradient [gO | gL] and delta (true partials: each input
 * held fixed as the others vary).
 */
import type { Tensor } from '../graph/tensor';
import { matmul } from './matmul';
import { affine, exp, neg } from './unary';
import { add, mul, sub } from './binary';
import { sum } from './reduce';
import { flatten, permute, reshape, unsqueeze } from './layout';
import { pad, slice } from './pad';
import type { AttentionDims } from './attention_shapes';

type Grads = (Tensor | null)[];

/** [B, N, C] -> [B, H, N, D]. */
const split = (x: Tensor, n: number, dm: AttentionDims) =>
  permute(reshape(x, [dm.batch, n, dm.heads, dm.d]), [0, 2, 1, 3]);
/** [B, H, N, D] -> [B, N, C]. */
const merge = (x: Tensor, n: number, dm: AttentionDims) =>
  reshape(permute(x, [0, 2, 1, 3]), [dm.batch, n, dm.c]);
const scaled = (x: Tensor, dm: AttentionDims) => affine(x, dm.scale, 0);
/** Sum over the last axis, kept: [..., N] -> [..., 1]. */
const rowSum = (x: Tensor) => sum(x, x.shape.length - 1, true);

/** The row part [B, Nq, C] and the per-row part [B, H, Nq, 1] of a packed [O | lse] array. */
function unpack(packed: Tensor, dm: AttentionDims): [Tensor, Tensor] {
  const rows = reshape(slice(packed, 0, 0, dm.lseOff), [dm.batch, dm.nq, dm.c]);
  const perRow = slice(packed, 0, dm.lseOff, packed.size);
  return [rows, reshape(perRow, [dm.batch, dm.heads, dm.nq, 1])];
}

/** A packed gradient from its row part [B, Nq, C] (or none: zeros) and per-row part [B, H, Nq, 1]. */
function pack(rows: Tensor | null, perRow: Tensor | null, dm: AttentionDims): Tensor {
  const tail = dm.batch * dm.heads * dm.nq;
  if (rows && perRow)
    return add(pad(flatten(rows), [0], [tail]), pad(flatten(perRow), [dm.lseOff], [0]));
  if (rows) return pad(flatten(rows), [0], [tail]);
  return pad(flatten(perRow!), [dm.lseOff], [0]);
}

/** Per head: Q, K, V, gO split, P and dP - delta ([B, H, Nq, Nk]), and A = P (dP - delta). */
function recompute([q, k, v, fwd, g, delta]: readonly Tensor[], dm: AttentionDims) {
  const [[, lse], [go]] = [unpack(fwd, dm), unpack(g, dm)];
  const [qh, gh] = [split(q, dm.nq, dm), split(go, dm.nq, dm)];
  const [kh, vh] = [split(k, dm.nk, dm), split(v, dm.nk, dm)];
  const p = exp(sub(scaled(matmul(qh, kh, { transB: true }), dm), lse));
  const centred = sub(matmul(gh, vh, { transB: true }), reshape(delta, lse.shape));
  return { qh, kh, vh, gh, p, centred, a: mul(p, centred) };
}

type Recomputed = ReturnType<typeof recompute>;

/**
 * Back from the cotangent of A (gA) and direct terms (of P, Q, K, gO; null: none) to the six
 * inputs' gradients, those in `needs`.
 */
function chain(
  r: Recomputed,
  dm: AttentionDims,
  direct: { gA: Tensor; gP?: Tensor; gQ?: Tensor; gK?: Tensor; gGo?: Tensor },
  needs: readonly boolean[],
): Grads {
  const plus = (x: Tensor, y?: Tensor) => (y ? add(x, y) : x);
  const gP = plus(mul(direct.gA, r.centred), direct.gP);
  const gDp = mul(direct.gA, r.p);
  const gS = mul(gP, r.p);
  const q = needs[0] ? plus(scaled(matmul(gS, r.kh), dm), direct.gQ) : null;
  const k = needs[1] ? plus(scaled(matmul(gS, r.qh, { transA: true }), dm), direct.gK) : null;
  const v = needs[2] ? matmul(gDp, r.gh, { transA: true }) : null;
  const gLse = neg(rowSum(gS));
  const gGo = plus(matmul(gDp, r.vh), direct.gGo);
  return [
    q && merge(q, dm.nq, dm),
    k && merge(k, dm.nk, dm),
    v && merge(v, dm.nk, dm),
    needs[3] ? pack(null, gLse, dm) : null,
    needs[4] ? pack(merge(gGo, dm.nq, dm), null, dm) : null,
    needs[5] ? reshape(neg(rowSum(gDp)), [dm.batch, dm.heads, dm.nq]) : null,
  ];
}

/** VJP of attention_dq (output dq = scale A K): cotangent c [B, Nq, C]. */
export function dqVjp(
  inputs: readonly Tensor[],
  dm: AttentionDims,
  c: Tensor,
  needs: readonly boolean[],
) {
  const r = recompute(inputs, dm);
  const ch = split(c, dm.nq, dm);
  const gA = scaled(matmul(ch, r.kh, { transB: true }), dm);
  return chain(r, dm, { gA, gK: scaled(matmul(r.a, ch, { transA: true }), dm) }, needs);
}

/** VJP of attention_dkv (output [dk, dv], dk = scale A^T Q, dv = P^T gO): c [2, B, Nk, C]. */
export function dkvVjp(
  inputs: readonly Tensor[],
  dm: AttentionDims,
  c: Tensor,
  needs: readonly boolean[],
) {
  const r = recompute(inputs, dm);
  const part = (i: number) => split(reshape(slice(c, 0, i, i + 1), inputs[1].shape), dm.nk, dm);
  const [ck, cv] = [part(0), part(1)];
  return chain(
    r,
    dm,
    {
      gA: scaled(matmul(r.qh, ck, { transB: true }), dm),
      gQ: scaled(matmul(r.a, ck), dm),
      gP: matmul(r.gh, cv, { transB: true }),
      gGo: matmul(r.p, cv),
    },
    needs,
  );
}

/** VJP of attention_delta (delta = gO . O per head row - gL): c [B, H, Nq]. */
export function deltaVjp(
  [fwd, g]: readonly Tensor[],
  dm: AttentionDims,
  c: Tensor,
  needs: readonly boolean[],
): Grads {
  const [[o], [go]] = [unpack(fwd, dm), unpack(g, dm)];
  const ch = unsqueeze(c, 3); // [B, H, Nq, 1], times each head's D channels
  const times = (x: Tensor) => merge(mul(ch, split(x, dm.nq, dm)), dm.nq, dm);
  return [
    needs[0] ? pack(times(go), null, dm) : null,
    needs[1] ? pack(times(o), neg(ch), dm) : null,
  ];
}
