// Fused multi-head attention, backward: the per-row term both gradient passes share
// (FlashAttention-2's D_i), delta[b, h, i] = gO_i . O_i - gL_i over head h's channels, where
// [gO | gL] is the gradient of the forward's packed output [O | lse] (gL is zero unless a
// derivative flows through the logsumexp). One invocation per row.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: AttentionParams;  // struct from attentionParams (src/ops/attention_shapes.ts)
@group(0) @binding(1) var<storage, read> fwd: array<f32>;        // O [B*Nq*C], then lse [B, H, Nq]
@group(0) @binding(2) var<storage, read> g: array<f32>;          // gO [B*Nq*C], then gL [B, H, Nq]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // delta [B, H, Nq]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);  // (b * H + h) * Nq + i
  if (r >= P.batch * P.heads * P.nq) { return; }
  let bh = r / P.nq;
  let o = ((bh / P.heads) * P.nq + r % P.nq) * P.c + (bh % P.heads) * P.d;
  var s = 0.0;
  for (var e = 0u; e < P.d; e++) { s = fma(g[o + e], fwd[o + e], s); }
  out[r] = s - g[P.lse_off + r];
}
