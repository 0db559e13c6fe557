// Brute-force fixed-radius search (src/geometry/brute_gpu.ts): every query against every data
// point, no grid. O(m n) work: a cross-check of neighbor_search.wgsl and the baseline of
// bench/neighbors.bench.ts. Same GridParams (only n, m, dim, zero, r2 are read) and the same f32
// distance rule as neighbor_search.wgsl (see there; a test compares the function texts).
//   count  per query, the number of data points y with dist2(x, y) <= r2;
//   write  their indices, ascending (the loop runs in index order), at row_splits[q].

struct GridParams {
  n: u32,
  m: u32,
  dim: u32,
  zero: u32,
  gx: u32,
  gy: u32,
  gz: u32,
  k: u32,
  lo_x: f32,
  lo_y: f32,
  lo_z: f32,
  inv: f32,
  cell: f32,
  reach: f32,
  r2: f32,
}

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: GridParams;
@group(0) @binding(1) var<storage, read> data: array<f32>;             // [n, dim]
@group(0) @binding(2) var<storage, read> queries: array<f32>;          // [m, dim]
@group(0) @binding(3) var<storage, read_write> counts: array<u32>;     // count: [m]
@group(0) @binding(3) var<storage, read> row_splits: array<u32>;       // write: [m + 1]
@group(0) @binding(4) var<storage, read_write> index: array<u32>;      // write: [nnz]

fn flat(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn data_point(i: u32) -> vec3f {
  let b = i * P.dim;
  return vec3f(data[b], data[b + 1u], select(0.0, data[b + P.dim - 1u], P.dim == 3u));
}

fn query_point(i: u32) -> vec3f {
  let b = i * P.dim;
  return vec3f(queries[b], queries[b + 1u], select(0.0, queries[b + P.dim - 1u], P.dim == 3u));
}

fn sq(d: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(d * d) | P.zero);
}

fn dist2(a: vec3f, b: vec3f) -> f32 {
  let d = a - b;
  return (sq(d.x) + sq(d.y)) + sq(d.z);
}

@compute @workgroup_size(WG)
fn count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = flat(gid, nwg);
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
  let q = flat(gid, nwg);
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
