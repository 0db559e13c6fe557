// Segment sum, the query side of message passing (no atomics): one thread per output element
// (batch b, row r, channel ch) adds its segment's edges in a fixed order,
//   out[b, r, ch] = sum_{k = splits[r]}^{splits[r+1]-1} e[b, perm[k], ch],
// so the result is the same bits on every run. An empty segment gives 0. With MEAN = 1 the sum
// is divided by the segment's size (neuraloperator's segment_csr reduce='mean'; empty stays 0).

struct SegmentParams {
  batch: u32,
  rows: u32,
  c: u32,
  nnz: u32,
}

override WG: u32 = 256;
override MEAN: u32 = 0;

@group(0) @binding(0) var<uniform> P: SegmentParams;
@group(0) @binding(1) var<storage, read> e: array<f32>;          // [batch, nnz, c] row-major, one row per edge
@group(0) @binding(2) var<storage, read> perm: array<i32>;       // [nnz] edges grouped by row
@group(0) @binding(3) var<storage, read> splits: array<i32>;     // [rows + 1] segment bounds into perm
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [batch, rows, c] row-major

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  let per_batch = P.rows * P.c;
  if (i >= P.batch * per_batch) { return; }
  let b = i / per_batch;
  let r = (i % per_batch) / P.c;
  let ch = i % P.c;
  let start = u32(splits[r]);
  let end = u32(splits[r + 1u]);
  let base = b * P.nnz * P.c + ch;
  var s = 0.0;
  for (var k = start; k < end; k++) {
    let edge = u32(perm[k]);
    if (edge < P.nnz) {
      s += e[base + edge * P.c];
    }
  }
  if (MEAN == 1u && end > start) {
    s = s / f32(end - start);
  }
  out[i] = s;
}
