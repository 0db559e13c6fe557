// The second pass of LayerNorm / RMSNorm (kernels/norm.wgsl computes the statistics): one
// invocation per element, y = (x - shift) * rstd, times w[col] with HAS_W, plus b[col] with HAS_B.
// Without them, the host binds x in their place (never read).

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override HAS_W: u32 = 0;
override HAS_B: u32 = 0;

@group(0) @binding(0) var<uniform> P: NormParams;  // struct generated from normParams (src/ops/norm.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;           // [rows, d] row-major
@group(0) @binding(2) var<storage, read> stats: array<f32>;       // [rows, 2]: (shift, rstd)
@group(0) @binding(3) var<storage, read> w: array<f32>;           // [d] (HAS_W)
@group(0) @binding(4) var<storage, read> b: array<f32>;           // [d] (HAS_B)
@group(0) @binding(5) var<storage, read_write> y: array<f32>;     // [rows, d] row-major

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.rows * P.d) { return; }
  let r = i / P.d;
  let col = i % P.d;
  var v = (x[i] - stats[2u * r]) * stats[2u * r + 1u];
  if (HAS_W == 1u) { v *= w[col]; }
  if (HAS_B == 1u) { v += b[col]; }
  y[i] = v;
}
