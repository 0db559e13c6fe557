// Fused multi-head attention, backward for the queries (FlashAttention-2's dQ pass). With s_j = scale * q_i . k_j, the
// probabilities recomputed from the forward's logsumexp, p_j = exp(s_j - lse_i), and the upstream
// gradient [gO | gL] of the forward's packed output (gL: of the logsumexp, zero unless a second
// derivative flows through it):
//   dq_i = scale * sum_j p_j (gO_i . v_j - delta_i) k_j,   delta_i = gO_i . O_i - gL_i
// (delta from kernels/attention_delta.wgsl).
// No atomics: each output row is one invocation's sum over keys in ascending order.
//
// `lane`: one invocation per (b, h, i), keys from global memory four at a time. `main`: a workgroup of WG query
// rows of one (b, h) stages P.tile keys and values at a time in workgroup memory.

// #include lib/thread_index.wgsl

override WG: u32 = 64;
const DMAX: u32 = 128u;
const TILE_FLOATS: u32 = 2048u;

@group(0) @binding(0) var<uniform> P: AttentionParams;  // struct from attentionParams (src/ops/attention_shapes.ts)
@group(0) @binding(1) var<storage, read> q: array<f32>;      // [B, Nq, C]
@group(0) @binding(2) var<storage, read> k: array<f32>;      // [B, Nk, C]
@group(0) @binding(3) var<storage, read> v: array<f32>;      // [B, Nk, C]
@group(0) @binding(4) var<storage, read> fwd: array<f32>;    // forward output O [B*Nq*C], then lse [B, H, Nq]
@group(0) @binding(5) var<storage, read> g: array<f32>;      // its gradient gO [B*Nq*C], then gL [B, H, Nq]
@group(0) @binding(6) var<storage, read> delta: array<f32>;  // [B, H, Nq]
@group(0) @binding(7) var<storage, read_write> out: array<f32>;  // dq [B, Nq, C]

var<workgroup> Ks: array<f32, TILE_FLOATS>;  // [P.tile, D]
var<workgroup> Vs: array<f32, TILE_FLOATS>;  // [P.tile, D]

// Row r = (b * H + h) * Nq + i: the offset of its head's channels in q, O and gO.
fn row_offset(r: u32, d: u32) -> u32 {
  let bh = r / P.nq;
  return ((bh / P.heads) * P.nq + r % P.nq) * P.c + (bh % P.heads) * d;
}

// #include lib/attention_rows.wgsl

// Keys four at a time (vec4 scores): the private rows are read once per four keys.
@compute @workgroup_size(WG)
fn lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);
  if (r >= P.batch * P.heads * P.nq) { return; }
  let o = row_offset(r, P.d);
  let ko = (r / P.nq / P.heads) * P.nk * P.c + ((r / P.nq) % P.heads) * P.d;
  var qr: array<f32, DMAX>;
  var go: array<f32, DMAX>;
  var dq: array<f32, DMAX>;
  for (var e = 0u; e < P.d; e++) {
    qr[e] = q[o + e] * P.scale;
    go[e] = g[o + e];
  }
  let lse = vec4f(fwd[P.lse_off + r]);
  let dl = vec4f(delta[r]);
  for (var j0 = 0u; j0 < P.nk; j0 += 4u) {
    let kr = rows4(ko, j0, P.nk);
    var s = vec4f(0.0);
    var dp = vec4f(0.0);
    for (var e = 0u; e < P.d; e++) {
      s = fma(vec4f(qr[e]), vec4f(k[kr.x + e], k[kr.y + e], k[kr.z + e], k[kr.w + e]), s);
      dp = fma(vec4f(go[e]), vec4f(v[kr.x + e], v[kr.y + e], v[kr.z + e], v[kr.w + e]), dp);
    }
    let ds = select(vec4f(0.0), exp(s - lse) * (dp - dl), live4(j0, P.nk));
    for (var e = 0u; e < P.d; e++) {
      dq[e] += dot(ds, vec4f(k[kr.x + e], k[kr.y + e], k[kr.z + e], k[kr.w + e]));
    }
  }
  for (var e = 0u; e < P.d; e++) { out[o + e] = dq[e] * P.scale; }
}

// #include lib/attention_stage_kv.wgsl

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let h = wid.y % P.heads;
  let b = wid.y / P.heads;
  let r = wid.y * P.nq + min(wid.x * WG + t, P.nq - 1u);  // rows past Nq repeat the last, unstored
  let o = row_offset(r, P.d);
  var qr: array<f32, DMAX>;
  var go: array<f32, DMAX>;
  var dq: array<f32, DMAX>;
  for (var e = 0u; e < P.d; e++) {
    qr[e] = q[o + e] * P.scale;
    go[e] = g[o + e];
  }
  let lse = fwd[P.lse_off + r];
  let dl = delta[r];
  for (var j0 = 0u; j0 < P.nk; j0 += P.tile) {
    let n = min(P.tile, P.nk - j0);
    stage(t, b, h, j0, n);
    workgroupBarrier();
    for (var jj = 0u; jj < n; jj++) {
      var s = 0.0;
      var dp = 0.0;
      for (var e = 0u; e < P.d; e++) {
        s = fma(qr[e], Ks[jj * P.d + e], s);
        dp = fma(go[e], Vs[jj * P.d + e], dp);
      }
      let ds = exp(s - lse) * (dp - dl);
      for (var e = 0u; e < P.d; e++) { dq[e] = fma(ds, Ks[jj * P.d + e], dq[e]); }
    }
    workgroupBarrier();
  }
  if (wid.x * WG + t < P.nq) {
    for (var e = 0u; e < P.d; e++) { out[o + e] = dq[e] * P.scale; }
  }
}
