// Brute-force fixed-radius search (src/geometry/brute_gpu.ts): every query against every data
// point, no grid. O(m n) work: a cross-check of neighbor_search.wgsl and the baseline of
// bench/neighbors.bench.ts. Same GridParams (only n, m, dim, zero, r2 are read) and the same f32
// distance rule as neighbor_search.wgsl (lib/grid_points.wgsl).
//   count  per query, the number of data points y with dist2(x, y) <= r2;
//   write  their indices, ascending (the loop runs in index order), at row_splits[q].

// #include lib/thread_index.wgsl
// #include lib/grid_points.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: GridParams;  // struct generated from gridParams (src/geometry/points.ts)
@group(0) @binding(1) var<storage, read> data: array<f32>;             // [n, dim]
@group(0) @binding(2) var<storage, read> queries: array<f32>;          // [m, dim]
@group(0) @binding(3) var<storage, read_write> counts: array<u32>;     // count: [m]
@group(0) @binding(3) var<storage, read> row_splits: array<u32>;       // write: [m + 1]
@group(0) @binding(4) var<storage, read_write> index: array<u32>;      // write: [nnz]

@compute @workgroup_size(WG)
fn count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(gid, nwg);
  if (q >= P.m) { return; }
  let x = query_point(q);
  var c = 0u;
  for (var j = 0u; j < P.n; j++) {
    if (dist2(x, data_point(j)) <= P.r2) { c += 1u; }
  }
  counts[q] = c;
}

@compute @workgroup_size(WG)
fn write(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(gid, nwg);
  if (q >= P.m) { return; }
  let x = query_point(q);
  var pos = row_splits[q];
  let end = row_splits[q + 1u];
  for (var j = 0u; j < P.n && pos < end; j++) {
    if (dist2(x, data_point(j)) <= P.r2) {
      index[pos] = j;
      pos += 1u;
    }
  }
}
