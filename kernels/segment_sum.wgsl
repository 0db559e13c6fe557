// Segment sum, the query side of message passing (no atomics): one thread per output element
// (batch b, row r, channel ch) adds its segment's edges in a fixed order,
//   out[b, r, ch] = sum_{k = splits[r]}^{splits[r+1]-1} e[b, perm[k], ch],
// so the result is the same bits on every run. An empty segment gives 0. With MEAN = 1 the sum
// is divided by the segment's size (neuraloperator's segment_csr reduce='mean'; empty stays 0).
// Entry `product` sums e * w edge by edge instead (w of e's shape): a message times f(y_j) reduced
// in one pass, without writing the products.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override MEAN: u32 = 0;

@group(0) @binding(0) var<uniform> P: SegmentParams;  // struct generated from segmentParams (src/ops/segment_sum.ts)
@group(0) @binding(1) var<storage, read> e: array<f32>;          // [batch, nnz, c] row-major, one row per edge
@group(0) @binding(2) var<storage, read> perm: array<i32>;       // [nnz] edges grouped by row
@group(0) @binding(3) var<storage, read> splits: array<i32>;     // [rows + 1] segment bounds into perm
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [batch, rows, c] row-major
@group(0) @binding(5) var<storage, read> w: array<f32>;          // [batch, nnz, c], entry `product`

// #include lib/segment.wgsl

fn finish(s: f32, seg: Segment) -> f32 {
  if (MEAN == 1u && seg.end > seg.start) {
    return s / f32(seg.end - seg.start);
  }
  return s;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.batch * P.rows * P.c) { return; }
  let seg = segment_of(i);
  var s = 0.0;
  for (var k = seg.start; k < seg.end; k++) {
    let edge = u32(perm[k]);
    if (edge < P.nnz) {
      s += e[seg.base + edge * P.c];
    }
  }
  out[i] = finish(s, seg);
}

@compute @workgroup_size(WG)
fn product(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.batch * P.rows * P.c) { return; }
  let seg = segment_of(i);
  var s = 0.0;
  for (var k = seg.start; k < seg.end; k++) {
    let edge = u32(perm[k]);
    if (edge < P.nnz) {
      let at = seg.base + edge * P.c;
      s += e[at] * w[at];
    }
  }
  out[i] = finish(s, seg);
}
