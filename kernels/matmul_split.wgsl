// Second pass of a split-K product (kernels/matmul.wgsl): out[o] = the sum over slices s, in
// ascending order, of partial[s * n_out + o], plus the bias (override BIAS as in matmul.wgsl:
// 1 adds bias[n], 2 adds bias[m]; a dummy buffer is bound when 0). Outputs are [batch, M, N].

struct SplitParams {
  n_out: u32,  // batch * M * N
  slices: u32,
  m: u32,
  n: u32,
}

override WG: u32 = 256;
override BIAS: u32 = 0u;

@group(0) @binding(0) var<uniform> P: SplitParams;
@group(0) @binding(1) var<storage, read> partial: array<f32>;   // [slices, batch, M, N]
@group(0) @binding(2) var<storage, read> bias: array<f32>;      // [N] or [M]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [batch, M, N]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.x + gid.y * nwg.x * WG;
  if (o >= P.n_out) { return; }
  var s = 0.0;
  for (var i = 0u; i < P.slices; i++) {
    s += partial[i * P.n_out + o];
  }
  if (BIAS == 1u) { s += bias[o % P.n]; }
  if (BIAS == 2u) { s += bias[(o / P.n) % P.m]; }
  out[o] = s;
}
