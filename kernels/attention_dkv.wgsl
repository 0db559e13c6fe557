// Fused multi-head attention, backward for the keys and values (FlashAttention-2's dK/dV pass).
// For key row j of head h, with p_ij = exp(scale * q_i . k_j - lse_i) recomputed from the
// forward's logsumexp and delta_i from kernels/attention_dq.wgsl:
//   dv_j = sum_i p_ij gO_i,     dk_j = scale * sum_i p_ij (gO_i . v_j - delta_i) q_i
// summed over queries in ascending i (no atomics). Output [2, B, Nk, C]: dk, then dv.
//
// `lane`: one invocation per (b, h, j), queries from global memory four at a time. `main`: a workgroup of WG
// key rows of one (b, h) stages P.tile queries, their gO rows, lse and delta in workgroup memory.

// #include lib/thread_index.wgsl

override WG: u32 = 64;
const DMAX: u32 = 128u;
const TILE_FLOATS: u32 = 1984u;  // two tiles and two 64-float rows: 16 KiB of workgroup memory

@group(0) @binding(0) var<uniform> P: AttentionParams;  // struct from attentionParams (src/ops/attention_shapes.ts)
@group(0) @binding(1) var<storage, read> q: array<f32>;      // [B, Nq, C]
@group(0) @binding(2) var<storage, read> k: array<f32>;      // [B, Nk, C]
@group(0) @binding(3) var<storage, read> v: array<f32>;      // [B, Nk, C]
@group(0) @binding(4) var<storage, read> fwd: array<f32>;    // forward output O [B*Nq*C], then lse [B, H, Nq]
@group(0) @binding(5) var<storage, read> g: array<f32>;      // its gradient gO [B*Nq*C], then gL [B, H, Nq]
@group(0) @binding(6) var<storage, read> delta: array<f32>;  // [B, H, Nq]
@group(0) @binding(7) var<storage, read_write> out: array<f32>;  // [2, B, Nk, C]: dk, dv

var<workgroup> Qs: array<f32, TILE_FLOATS>;  // [P.tile, D]
var<workgroup> Gs: array<f32, TILE_FLOATS>;  // [P.tile, D]
var<workgroup> Ls: array<f32, 64>;           // lse of the staged rows
var<workgroup> Ds: array<f32, 64>;           // delta of the staged rows

// Write row j's gradients (dk scaled) at offset o of the dk half and of the dv half.
fn store(o: u32, d: u32, dk: ptr<function, array<f32, DMAX>>, dv: ptr<function, array<f32, DMAX>>) {
  let half = P.batch * P.nk * P.c;
  for (var e = 0u; e < d; e++) {
    out[o + e] = (*dk)[e] * P.scale;
    out[half + o + e] = (*dv)[e];
  }
}

// #include lib/attention_rows.wgsl

// The lse (`lse` true) or the delta of rows i0 .. i0 + 3 of (b, h), clamped to the last row.
fn per_row4(lse: bool, bh: u32, i0: u32) -> vec4f {
  let i = bh * P.nq + min(vec4u(i0) + vec4u(0u, 1u, 2u, 3u), vec4u(P.nq - 1u));
  if (lse) {
    return vec4f(fwd[P.lse_off + i.x], fwd[P.lse_off + i.y], fwd[P.lse_off + i.z], fwd[P.lse_off + i.w]);
  }
  return vec4f(delta[i.x], delta[i.y], delta[i.z], delta[i.w]);
}

// Queries four at a time (vec4 scores): the private rows are read once per four queries.
@compute @workgroup_size(WG)
fn lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);  // (b * H + h) * Nk + j
  if (r >= P.batch * P.heads * P.nk) { return; }
  let bh = r / P.nk;
  let o = ((bh / P.heads) * P.nk + r % P.nk) * P.c + (bh % P.heads) * P.d;
  let qo = (bh / P.heads) * P.nq * P.c + (bh % P.heads) * P.d;
  var kr: array<f32, DMAX>;
  var vr: array<f32, DMAX>;
  var dk: array<f32, DMAX>;
  var dv: array<f32, DMAX>;
  for (var e = 0u; e < P.d; e++) {
    kr[e] = k[o + e] * P.scale;
    vr[e] = v[o + e];
  }
  for (var i0 = 0u; i0 < P.nq; i0 += 4u) {
    let qi = rows4(qo, i0, P.nq);  // rows of q and of gO alike
    var s = vec4f(0.0);
    var dp = vec4f(0.0);
    for (var e = 0u; e < P.d; e++) {
      s = fma(vec4f(q[qi.x + e], q[qi.y + e], q[qi.z + e], q[qi.w + e]), vec4f(kr[e]), s);
      dp = fma(vec4f(g[qi.x + e], g[qi.y + e], g[qi.z + e], g[qi.w + e]), vec4f(vr[e]), dp);
    }
    let p = select(vec4f(0.0), exp(s - per_row4(true, bh, i0)), live4(i0, P.nq));
    let ds = p * (dp - per_row4(false, bh, i0));
    for (var e = 0u; e < P.d; e++) {
      dv[e] += dot(p, vec4f(g[qi.x + e], g[qi.y + e], g[qi.z + e], g[qi.w + e]));
      dk[e] += dot(ds, vec4f(q[qi.x + e], q[qi.y + e], q[qi.z + e], q[qi.w + e]));
    }
  }
  store(o, P.d, &dk, &dv);
}

// Stage queries i0 .. i0 + n - 1 of (b, h): their q and gO rows, lse and delta.
fn stage(t: u32, bh: u32, i0: u32, n: u32) {
  let base = (bh / P.heads) * P.nq * P.c + (bh % P.heads) * P.d;
  for (var e = t; e < n * P.d; e += WG) {
    let at = base + (i0 + e / P.d) * P.c + e % P.d;
    Qs[e] = q[at];
    Gs[e] = g[at];
  }
  if (t < n) {
    Ls[t] = fwd[P.lse_off + bh * P.nq + i0 + t];
    Ds[t] = delta[bh * P.nq + i0 + t];
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let h = wid.y % P.heads;
  let b = wid.y / P.heads;
  let j = min(wid.x * WG + t, P.nk - 1u);  // rows past Nk repeat the last, never stored
  let o = (b * P.nk + j) * P.c + h * P.d;
  var kr: array<f32, DMAX>;
  var vr: array<f32, DMAX>;
  var dk: array<f32, DMAX>;
  var dv: array<f32, DMAX>;
  for (var e = 0u; e < P.d; e++) {
    kr[e] = k[o + e] * P.scale;
    vr[e] = v[o + e];
  }
  for (var i0 = 0u; i0 < P.nq; i0 += P.tile) {
    let n = min(P.tile, P.nq - i0);
    stage(t, wid.y, i0, n);
    workgroupBarrier();
    for (var ii = 0u; ii < n; ii++) {
      var s = 0.0;
      var dp = 0.0;
      for (var e = 0u; e < P.d; e++) {
        s = fma(Qs[ii * P.d + e], kr[e], s);
        dp = fma(Gs[ii * P.d + e], vr[e], dp);
      }
      let p = exp(s - Ls[ii]);
      let ds = p * (dp - Ds[ii]);
      for (var e = 0u; e < P.d; e++) {
        dv[e] = fma(p, Gs[ii * P.d + e], dv[e]);
        dk[e] = fma(ds, Qs[ii * P.d + e], dk[e]);
      }
    }
    workgroupBarrier();
  }
  if (wid.x * WG + t < P.nk) {
    store(o, P.d, &dk, &dv);
  }
}
