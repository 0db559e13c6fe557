// Row gather, the edge side of message passing: y[b, e, :] = x[b, index[e], :] for every batch
// entry b. Entry `main`: one thread per output element (coalesced on GPUs); entry `per_row`: one
// thread per output row, which reads the index once and copies the row (CPU adapters, where the
// per-element divisions cost more than the copy). With MEAN = 1 the row is divided by the size of its
// segment in `splits`, y[b, e, :] = x[b, j, :] / count(j), j = index[e]: the exact transpose of
// segment_sum's mean. Indices are validated on the host (buildCsr); an index out of range reads
// 0 here, never another buffer.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override MEAN: u32 = 0;

@group(0) @binding(0) var<uniform> P: GatherParams;  // struct generated from gatherParams (src/ops/gather_rows.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // [batch, rows, c] row-major
@group(0) @binding(2) var<storage, read> index: array<i32>;      // [nnz] row of each edge
@group(0) @binding(3) var<storage, read> splits: array<i32>;     // [rows + 1] segment bounds of each row
@group(0) @binding(4) var<storage, read_write> y: array<f32>;    // [batch, nnz, c] row-major

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  let per_batch = P.nnz * P.c;
  if (i >= P.batch * per_batch) { return; }
  let b = i / per_batch;
  let e = (i % per_batch) / P.c;
  let ch = i % P.c;
  let j = u32(index[e]);
  var v = 0.0;
  if (j < P.rows) {
    v = x[(b * P.rows + j) * P.c + ch];
    if (MEAN == 1u) {
      let count = splits[j + 1u] - splits[j];
      v = v / f32(max(count, 1));
    }
  }
  y[i] = v;
}

@compute @workgroup_size(WG)
fn per_row(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = thread_index(gid, nwg);  // b * nnz + e
  if (r >= P.batch * P.nnz) { return; }
  let b = r / P.nnz;
  let j = u32(index[r - b * P.nnz]);
  let dst = r * P.c;
  if (j >= P.rows) {
    for (var ch = 0u; ch < P.c; ch++) { y[dst + ch] = 0.0; }
    return;
  }
  var count = 1;
  if (MEAN == 1u) { count = max(splits[j + 1u] - splits[j], 1); }
  let src = (b * P.rows + j) * P.c;
  for (var ch = 0u; ch < P.c; ch++) {
    var v = x[src + ch];
    if (MEAN == 1u) { v = v / f32(count); }
    y[dst + ch] = v;
  }
}

