// LayerNorm and RMSNorm over rows of D contiguous elements (the trailing normalised axes
// flattened), in two dispatches:
//   1. statistics, per row r: stats[r] = (shift, rstd) with
//        LayerNorm (RMS = 0): shift = mean(x), rstd = 1 / sqrt(mean((x - shift)^2) + eps)
//                             (biased variance, eps inside the sqrt, as torch.nn.LayerNorm);
//        RMSNorm   (RMS = 1): shift = 0,       rstd = 1 / sqrt(mean(x^2) + eps).
//      The variance is a second pass over the row around its mean (not E[x^2] - E[x]^2, which
//      cancels catastrophically when |mean| >> std). Two entries:
//        stats_lane:  one invocation per row (CPU adapters, short rows);
//        stats_group: one workgroup per row, strided partial sums and a shared-memory tree
//                     (long rows on GPUs: MgNO's [C, H, W] = 131072).
//      Both add in an order fixed by D and WG, so results are bitwise repeatable.
//   2. apply, per element: y = (x - shift) * rstd (* w[col]) (+ b[col]).

// #include lib/thread_index.wgsl

// Threads per workgroup; stats_group's tree needs a power of two.
override WG: u32 = 256;
override RMS: u32 = 0;

@group(0) @binding(0) var<uniform> P: NormParams;  // struct generated from normParams (src/ops/norm.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;  // [rows, d] row-major

var<workgroup> partial: array<f32, WG>;

// Entries stats_lane and stats_group.
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;  // [rows, 2]: (shift, rstd)

fn finish(r: u32, shift: f32, sq: f32) {
  stats[2u * r] = shift;
  stats[2u * r + 1u] = 1.0 / sqrt(sq / f32(P.d) + P.eps);
}

// Sum of row r's (x - shift)^p (p = 1 or 2) in blocks of 256 added into a total: error grows
// like (d / 256 + 256) ulp instead of d (a 131072-long row keeps ~1e-6).
fn row_sum(base: u32, shift: f32, square: bool) -> f32 {
  var total = 0.0;
  for (var j0 = 0u; j0 < P.d; j0 += 256u) {
    var s = 0.0;
    for (var j = j0; j < min(j0 + 256u, P.d); j++) {
      let v = x[base + j] - shift;
      s += select(v, v * v, square);
    }
    total += s;
  }
  return total;
}

@compute @workgroup_size(WG)
fn stats_lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);
  if (r >= P.rows) { return; }
  let base = r * P.d;
  var shift = 0.0;
  if (RMS == 0u) {
    shift = row_sum(base, 0.0, false) / f32(P.d);
  }
  finish(r, shift, row_sum(base, shift, true));
}

// #include lib/tree_sum.wgsl

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
  if (RMS == 0u) {
    var s = 0.0;
    for (var j = t; j < P.d; j += WG) { s += x[base + j]; }
    shift = tree_sum(t, s) / f32(P.d);
  }
  var sq = 0.0;
  for (var j = t; j < P.d; j += WG) {
    let v = x[base + j] - shift;
    sq += v * v;
  }
  let total = tree_sum(t, sq);
  if (t == 0u) { finish(r, shift, total); }
}
