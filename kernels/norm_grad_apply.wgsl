// The input gradient of LayerNorm / RMSNorm, one invocation per element, from the row statistics
// of kernels/norm_grad.wgsl: dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)), xhat =
// (x - shift) * rstd; RMSNorm (RMS = 1) has no mean(gh) term.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override RMS: u32 = 0;

@group(0) @binding(0) var<uniform> P: NormParams;  // struct generated from normParams (src/ops/norm.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;        // [rows, d] row-major
@group(0) @binding(2) var<storage, read> gh: array<f32>;       // [rows, d] row-major
@group(0) @binding(3) var<storage, read> stats: array<f32>;    // [rows, 4]: shift, rstd, mean(gh), mean(gh xhat)
@group(0) @binding(4) var<storage, read_write> dx: array<f32>; // [rows, d] row-major

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.rows * P.d) { return; }
  let s = 4u * (i / P.d);
  let rstd = stats[s + 1u];
  let xhat = (x[i] - stats[s]) * rstd;
  let centre = select(stats[s + 2u], 0.0, RMS == 1u);
  dx[i] = rstd * (gh[i] - centre - xhat * stats[s + 3u]);
}
