// Fused multi-head attention, forward (FlashAttention's online softmax: Dao et al. 2022, 2023).
// Per batch b, head h and query row i, with s_j = scale * q_i . k_j over keys j:
//   out[b, i, h*D .. h*D + D-1] = sum_j softmax_j(s) v_j,    lse[b, h, i] = log sum_j exp(s_j).
// Keys stream through once with a running max m and sum l of exp(s_j - m): when a key raises
// the max, the sum and the accumulator are rescaled by exp(m_old - m_new). No Nq x Nk matrix is
// ever stored; the logsumexp row lets the backward recompute any probability as exp(s - lse).
// Head h reads channels h*D .. h*D + D-1 of q, k, v (the layout a projection writes before the
// head split). Keys are summed in ascending j: results are deterministic.
//
// Entries: `lane` (CPU adapters): one invocation per (b, h, i), keys from global memory, four at a
// time; `main` (GPUs): a workgroup of WG query rows of one (b, h) stages P.tile keys and values at a time
// in workgroup memory and every row reads them from there.

// #include lib/thread_index.wgsl

override WG: u32 = 64;
const DMAX: u32 = 128u;  // largest head dim (the private row arrays)
const TILE_FLOATS: u32 = 2048u;
const NEG_BIG: f32 = -3.0e38;  // the running max before any key

@group(0) @binding(0) var<uniform> P: AttentionParams;  // struct from attentionParams (src/ops/attention_shapes.ts)
@group(0) @binding(1) var<storage, read> q: array<f32>;          // [B, Nq, C]
@group(0) @binding(2) var<storage, read> k: array<f32>;          // [B, Nk, C]
@group(0) @binding(3) var<storage, read> v: array<f32>;          // [B, Nk, C]
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [B*Nq*C] output, then [B, H, Nq] lse

var<workgroup> Ks: array<f32, TILE_FLOATS>;  // [P.tile, D]: keys j0 .. j0 + P.tile - 1 of head h
var<workgroup> Vs: array<f32, TILE_FLOATS>;  // [P.tile, D]

// Running softmax state of one query row.
struct Row {
  m: f32,
  l: f32,
}

// Take score s into the running state; returns the weight of this key, exp(s - m). When s raises
// the max, `acc` (d values) and l are rescaled first.
fn admit(row: ptr<function, Row>, acc: ptr<function, array<f32, DMAX>>, s: f32, d: u32) -> f32 {
  if (s > (*row).m) {
    let a = exp((*row).m - s);
    (*row).l *= a;
    for (var e = 0u; e < d; e++) { (*acc)[e] *= a; }
    (*row).m = s;
  }
  let p = exp(s - (*row).m);
  (*row).l += p;
  return p;
}

// Write the normalised output row (at `o`) and the row's logsumexp (at lse_off + r).
fn finish(row: Row, acc: ptr<function, array<f32, DMAX>>, o: u32, r: u32, d: u32) {
  let inv = 1.0 / row.l;
  for (var e = 0u; e < d; e++) { out[o + e] = (*acc)[e] * inv; }
  out[P.lse_off + r] = row.m + log(row.l);
}

// #include lib/attention_rows.wgsl

// Keys go four at a time (scores in a vec4, one rescale per block of four): the private rows are
// read once per four keys, and a CPU adapter runs the vec4 arithmetic in its SIMD lanes.
@compute @workgroup_size(WG)
fn lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);  // (b * H + h) * Nq + i
  if (r >= P.batch * P.heads * P.nq) { return; }
  let bh = r / P.nq;
  let qo = ((bh / P.heads) * P.nq + r % P.nq) * P.c + (bh % P.heads) * P.d;
  let ko = (bh / P.heads) * P.nk * P.c + (bh % P.heads) * P.d;
  var qr: array<f32, DMAX>;
  var acc: array<f32, DMAX>;
  for (var e = 0u; e < P.d; e++) { qr[e] = q[qo + e] * P.scale; }
  var m = NEG_BIG;
  var l = 0.0;
  for (var j0 = 0u; j0 < P.nk; j0 += 4u) {
    let kr = rows4(ko, j0, P.nk);
    var s = vec4f(0.0);
    for (var e = 0u; e < P.d; e++) {
      s = fma(vec4f(qr[e]), vec4f(k[kr.x + e], k[kr.y + e], k[kr.z + e], k[kr.w + e]), s);
    }
    s = select(vec4f(NEG_BIG), s, live4(j0, P.nk));  // clamped duplicates weigh nothing
    let mn = max(m, max(max(s.x, s.y), max(s.z, s.w)));
    let a = exp(m - mn);
    let p = exp(s - vec4f(mn));
    l = fma(l, a, dot(p, vec4f(1.0)));
    m = mn;
    for (var e = 0u; e < P.d; e++) {
      acc[e] = fma(acc[e], a, dot(p, vec4f(v[kr.x + e], v[kr.y + e], v[kr.z + e], v[kr.w + e])));
    }
  }
  finish(Row(m, l), &acc, qo, r, P.d);
}

// #include lib/attention_stage_kv.wgsl

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let h = wid.y % P.heads;
  let b = wid.y / P.heads;
  let i = min(wid.x * WG + t, P.nq - 1u);  // rows past Nq repeat the last row, never stored
  let qo = (b * P.nq + i) * P.c + h * P.d;
  var qr: array<f32, DMAX>;
  var acc: array<f32, DMAX>;
  for (var e = 0u; e < P.d; e++) { qr[e] = q[qo + e] * P.scale; }
  var row = Row(NEG_BIG, 0.0);
  for (var j0 = 0u; j0 < P.nk; j0 += P.tile) {
    let n = min(P.tile, P.nk - j0);
    stage(t, b, h, j0, n);
    workgroupBarrier();
    for (var jj = 0u; jj < n; jj++) {
      var s = 0.0;
      for (var e = 0u; e < P.d; e++) { s = fma(qr[e], Ks[jj * P.d + e], s); }
      let p = admit(&row, &acc, s, P.d);
      for (var e = 0u; e < P.d; e++) { acc[e] = fma(p, Vs[jj * P.d + e], acc[e]); }
    }
    workgroupBarrier();
  }
  if (wid.x * WG + t < P.nq) {
    finish(row, &acc, qo, wid.y * P.nq + i, P.d);
  }
}
