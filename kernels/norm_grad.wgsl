// Row statistics of the LayerNorm / RMSNorm input gradient (src/ops/norm.ts, op layer_norm_grad):
// for the row x of D elements and the incoming gradient gh (already times the weight), stats[r] =
// (shift, rstd, mean(gh), mean(gh * xhat)) with shift and rstd as kernels/norm.wgsl (RMS = 1: no
// mean, shift = 0) and xhat = (x - shift) * rstd. kernels/norm_grad_apply.wgsl then forms
// dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat)) (no mean(gh) term for RMSNorm).
// Same two lowerings and fixed summation orders as kernels/norm.wgsl.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override RMS: u32 = 0;

@group(0) @binding(0) var<uniform> P: NormParams;  // struct generated from normParams (src/ops/norm.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;           // [rows, d] row-major
@group(0) @binding(2) var<storage, read> gh: array<f32>;          // [rows, d] row-major
@group(0) @binding(3) var<storage, read_write> stats: array<f32>; // [rows, 4]

var<workgroup> partial: array<f32, WG>;

// The j-th term of sum `which` over row `base`: 0: x, 1: (x - shift)^2, 2: gh, 3: gh (x - shift).
fn term(which: u32, i: u32, shift: f32) -> f32 {
  switch which {
    case 0u: { return x[i]; }
    case 1u: { let v = x[i] - shift; return v * v; }
    case 2u: { return gh[i]; }
    default: { return gh[i] * (x[i] - shift); }
  }
}

// One thread's sum over a row in blocks of 256 (error ~ (d / 256 + 256) ulp).
fn lane_sum(which: u32, base: u32, shift: f32) -> f32 {
  var total = 0.0;
  for (var j0 = 0u; j0 < P.d; j0 += 256u) {
    var s = 0.0;
    for (var j = j0; j < min(j0 + 256u, P.d); j++) { s += term(which, base + j, shift); }
    total += s;
  }
  return total;
}

// A workgroup's sum over a row: strided partial sums, then a tree; returned to every thread.
fn group_sum(which: u32, t: u32, base: u32, shift: f32) -> f32 {
  var s = 0.0;
  for (var j = t; j < P.d; j += WG) { s += term(which, base + j, shift); }
  return tree_sum(t, s);
}

// #include lib/tree_sum.wgsl

fn store(r: u32, shift: f32, sq: f32, sg: f32, sgx: f32) {
  let n = f32(P.d);
  let rstd = 1.0 / sqrt(sq / n + P.eps);
  stats[4u * r] = shift;
  stats[4u * r + 1u] = rstd;
  stats[4u * r + 2u] = sg / n;
  stats[4u * r + 3u] = sgx * rstd / n;
}

@compute @workgroup_size(WG)
fn stats_lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);
  if (r >= P.rows) { return; }
  let base = r * P.d;
  var shift = 0.0;
  if (RMS == 0u) { shift = lane_sum(0u, base, 0.0) / f32(P.d); }
  store(r, shift, lane_sum(1u, base, shift), lane_sum(2u, base, shift), lane_sum(3u, base, shift));
}

@compute @workgroup_size(WG)
fn stats_group(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) t: u32,
) {
  let r = wid.x + wid.y * nwg.x;  // uniform across the workgroup, so the early return is too
  if (r >= P.rows) { return; }
  let base = r * P.d;
  var shift = 0.0;
  if (RMS == 0u) { shift = group_sum(0u, t, base, 0.0) / f32(P.d); }
  let sq = group_sum(1u, t, base, shift);
  let sg = group_sum(2u, t, base, shift);
  let sgx = group_sum(3u, t, base, shift);
  if (t == 0u) { store(r, shift, sq, sg, sgx); }
}
