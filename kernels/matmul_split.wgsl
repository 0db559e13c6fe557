// Second pass of a split-K product (kernels/matmul.wgsl): out[o] = the sum over slices s, in
// ascending order, of partial[s * n_out + o], plus the bias (override BIAS as in matmul.wgsl:
// BIAS_PER_COLUMN adds bias[n], BIAS_PER_ROW bias[m]; a dummy buffer is bound for BIAS_NONE).
// Outputs are [batch, M, N]; P.n_out = batch * M * N.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override BIAS: u32 = BIAS_NONE;

@group(0) @binding(0) var<uniform> P: SplitParams;  // struct generated from matmulSplitParams (src/ops/matmul.ts)
@group(0) @binding(1) var<storage, read> partial: array<f32>;   // [slices, batch, M, N]
@group(0) @binding(2) var<storage, read> bias: array<f32>;      // [N] or [M]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [batch, M, N]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = thread_index(gid, nwg);
  if (o >= P.n_out) { return; }
  var s = 0.0;
  for (var i = 0u; i < P.slices; i++) {
    s += partial[i * P.n_out + o];
  }
  if (BIAS == BIAS_PER_COLUMN) { s += bias[o % P.n]; }
  if (BIAS == BIAS_PER_ROW) { s += bias[(o / P.n) % P.m]; }
  out[o] = s;
}
