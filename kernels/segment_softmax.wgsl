// Segment max and segment softmax over CSR rows (src/ops/segments.ts), no atomics: one invocation
// per (batch b, row r, channel ch) walks its row's edges perm[splits[r] .. splits[r+1]-1] in that
// fixed order, so results are the same bits on every run. Three entries:
//   seg_max: out[b, r, ch] = max over the row's edges of e[b, edge, ch]; an empty row gives 0
//            (torch_scatter's segment_csr / scatter_max fill).
//   argmax:  out[b, edge, ch] = 1 at the row's first edge (in perm order) holding the max, 0 at
//            its other edges (segment max's gradient is routed through it).
//   softmax: out[b, edge, ch] = exp(e - m) / sum over the row of exp(e - m), m the row's max
//            (stable: every exponent <= 0 and the max term is 1, so the sum is >= 1).
// Each edge belongs to exactly one row, so every edge output is written by exactly one thread.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: SegmentParams;  // struct generated from segmentParams (src/ops/segment_sum.ts)
@group(0) @binding(1) var<storage, read> e: array<f32>;          // [batch, nnz, c] row-major, one row per edge
@group(0) @binding(2) var<storage, read> perm: array<i32>;       // [nnz] edges grouped by row
@group(0) @binding(3) var<storage, read> splits: array<i32>;     // [rows + 1] segment bounds into perm
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // seg_max: [batch, rows, c]; others: [batch, nnz, c]

// #include lib/segment.wgsl

fn at(seg: Segment, k: u32) -> u32 {
  return seg.base + u32(perm[k]) * P.c;
}

struct RowMax {
  m: f32,
  first: u32,  // perm position of the max's first occurrence
}

// The row's max and where it first occurs (a non-empty row).
fn row_max(seg: Segment) -> RowMax {
  var m = e[at(seg, seg.start)];
  var first = seg.start;
  for (var k = seg.start + 1u; k < seg.end; k++) {
    let v = e[at(seg, k)];
    if (v > m) {
      m = v;
      first = k;
    }
  }
  return RowMax(m, first);
}

@compute @workgroup_size(WG)
fn seg_max(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.batch * P.rows * P.c) { return; }
  let seg = segment_of(i);
  if (seg.end == seg.start) {
    out[i] = 0.0;
    return;
  }
  out[i] = row_max(seg).m;
}

@compute @workgroup_size(WG)
fn argmax(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.batch * P.rows * P.c) { return; }
  let seg = segment_of(i);
  if (seg.end == seg.start) { return; }
  let first = row_max(seg).first;
  for (var k = seg.start; k < seg.end; k++) {
    out[at(seg, k)] = select(0.0, 1.0, k == first);
  }
}

@compute @workgroup_size(WG)
fn softmax(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.batch * P.rows * P.c) { return; }
  let seg = segment_of(i);
  if (seg.end == seg.start) { return; }
  let m = row_max(seg).m;
  var s = 0.0;
  for (var k = seg.start; k < seg.end; k++) { s += exp(e[at(seg, k)] - m); }
  let inv = 1.0 / s;
  for (var k = seg.start; k < seg.end; k++) {
    let j = at(seg, k);
    out[j] = exp(e[j] - m) * inv;
  }
}
