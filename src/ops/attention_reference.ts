/**
 * Multi-head attention's float64 references (explicit softmax over every key): the packed
 * forward [O | lse], the backward's delta, and the gradients of q and of k and v. Layouts:
 * src/ops/attention_shapes.ts.
 */
import type { AttentionDims } from './attention_shapes';

type Rows = (b: number, h: number, i: number) => number;

/** Offsets of head h's channels of row i of a [B, N, C] array. */
const rowsOf =
  (n: number, { c, d }: AttentionDims): Rows =>
  (b, h, i) =>
    (b * n + i) * c + h * d;

function dotAt(x: Float64Array, xo: number, y: Float64Array, yo: number, d: number): number {
  let s = 0;
  for (let e = 0; e < d; e++) s += x[xo + e] * y[yo + e];
  return s;
}

/** Row (b, h, i)'s probabilities over the keys, from scores (explicit max-shifted softmax). */
function probabilities(
  q: Float64Array,
  k: Float64Array,
  dm: AttentionDims,
  b: number,
  h: number,
  i: number,
) {
  const [qr, kr] = [rowsOf(dm.nq, dm), rowsOf(dm.nk, dm)];
  const s = Array.from(
    { length: dm.nk },
    (_, j) => dm.scale * dotAt(q, qr(b, h, i), k, kr(b, h, j), dm.d),
  );
  const m = Math.max(...s);
  const e = s.map((x) => Math.exp(x - m));
  const l = e.reduce((a, x) => a + x, 0);
  return { p: e.map((x) => x / l), lse: m + Math.log(l) };
}

/** Run `f` for every (b, h, i) query row. */
function eachRow(dm: AttentionDims, f: (b: number, h: number, i: number, r: number) => void) {
  for (let b = 0; b < dm.batch; b++)
    for (let h = 0; h < dm.heads; h++)
      for (let i = 0; i < dm.nq; i++) f(b, h, i, (b * dm.heads + h) * dm.nq + i);
}

/** Packed forward output [O | lse]. */
export function referenceForward([q, k, v]: readonly Float64Array[], dm: AttentionDims) {
  const out = new Float64Array(dm.lseOff + dm.batch * dm.heads * dm.nq);
  const [qr, kr] = [rowsOf(dm.nq, dm), rowsOf(dm.nk, dm)];
  eachRow(dm, (b, h, i, r) => {
    const { p, lse } = probabilities(q, k, dm, b, h, i);
    for (let j = 0; j < dm.nk; j++)
      for (let e = 0; e < dm.d; e++) out[qr(b, h, i) + e] += p[j] * v[kr(b, h, j) + e];
    out[dm.lseOff + r] = lse;
  });
  return out;
}

/** delta[b, h, i] = gO_i . O_i - gL_i, from the packed output and its packed gradient. */
export function referenceDelta([fwd, g]: readonly Float64Array[], dm: AttentionDims) {
  const out = new Float64Array(dm.batch * dm.heads * dm.nq);
  const qr = rowsOf(dm.nq, dm);
  eachRow(dm, (b, h, i, r) => {
    out[r] = dotAt(g, qr(b, h, i), fwd, qr(b, h, i), dm.d) - g[dm.lseOff + r];
  });
  return out;
}

/**
 * The gradients of q (`which` 'q': [B, Nq, C]) or of k and v ('kv': [2, B, Nk, C]) from inputs
 * (q, k, v, packed forward, packed gradient, delta): ds_ij = p_ij (gO_i . v_j - delta_i),
 * dq_i = scale sum_j ds_ij k_j, dk_j = scale sum_i ds_ij q_i, dv_j = sum_i p_ij gO_i.
 * The probabilities come from the packed lse, as the kernels compute them.
 */
export function referenceBackward(
  [q, k, v, fwd, g, delta]: readonly Float64Array[],
  dm: AttentionDims,
  which: 'q' | 'kv',
): Float64Array {
  const half = dm.batch * dm.nk * dm.c;
  const out = new Float64Array(which === 'q' ? dm.lseOff : 2 * half);
  const [qr, kr] = [rowsOf(dm.nq, dm), rowsOf(dm.nk, dm)];
  eachRow(dm, (b, h, i, r) => {
    const [qo, d] = [qr(b, h, i), dm.d];
    for (let j = 0; j < dm.nk; j++) {
      const ko = kr(b, h, j);
      const p = Math.exp(dm.scale * dotAt(q, qo, k, ko, d) - fwd[dm.lseOff + r]);
      const ds = p * (dotAt(g, qo, v, ko, d) - delta[r]);
      for (let e = 0; e < d; e++) {
        if (which === 'q') out[qo + e] += dm.scale * ds * k[ko + e];
        else {
          out[ko + e] += dm.scale * ds * q[qo + e];
          out[half + ko + e] += p * g[qo + e];
        }
      }
    }
  });
  return out;
}
