// Fixed-radius neighbour search on a uniform cell grid (src/geometry/neighbors.ts).
// Points are f32 [count, dim] row-major, dim 2 or 3 (a 2-D point has z = 0 and the grid gz = 1).
//   cell_keys  data [n, dim] -> keys [n]: the linear cell id (z * gy + y) * gx + x of each point;
//              sort_by_key.wgsl then orders the data by (cell, index) and finds each cell's start.
//   count      per query, the number of data points y with dist2(x, y) <= r2 in the cells that the
//              box [x - reach, x + reach] touches.
//   write      the same points again into the query's row (at row_splits[q]), then sorts the row
//              into ascending data index (the cells' lists are ascending, but interleave).
// The decision rule is the exact f32 squared distance of lib/grid_points.wgsl (see there).
// Why the cell box is complete: cell_of() is monotone in each coordinate, every accepted y has
// |x_i - y_i| < reach (reach = r (1 + 2^-16) in the TS), so fl(x_i - reach) <= y_i <= fl(x_i +
// reach) and y's cell lies between the cells of those two bounds. Cells are a little wider than
// reach, so the box spans 2 or 3 cells per axis (rarely 4, from rounding).

// #include lib/thread_index.wgsl
// #include lib/grid_points.wgsl
// #include lib/grid_cells.wgsl

override WG: u32 = 256;
const SHORT_ROW: u32 = 32u;

@group(0) @binding(0) var<uniform> P: GridParams;  // struct generated from gridParams (src/geometry/points.ts)
@group(0) @binding(1) var<storage, read> data: array<f32>;              // [n, dim]
@group(0) @binding(2) var<storage, read> queries: array<f32>;           // count, write: [m, dim]
@group(0) @binding(3) var<storage, read> order: array<u32>;             // count, write: [n] by (cell, index)
@group(0) @binding(4) var<storage, read> cell_start: array<u32>;        // count, write: [cells + 1]
@group(0) @binding(5) var<storage, read_write> counts: array<u32>;      // count: [m]
@group(0) @binding(5) var<storage, read> row_splits: array<u32>;        // write: [m + 1]
@group(0) @binding(6) var<storage, read_write> index: array<u32>;       // write: [nnz]
@group(0) @binding(2) var<storage, read_write> keys: array<u32>;        // cell_keys: [n]

@compute @workgroup_size(WG)
fn cell_keys(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = thread_index(gid, nwg);
  if (j >= P.n) { return; }
  let c = cell_of(data_point(j));
  keys[j] = cell_id(c.x, c.y, c.z);
}

@compute @workgroup_size(WG)
fn count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(gid, nwg);
  if (q >= P.m) { return; }
  let x = query_point(q);
  let a = cell_of(x - vec3f(P.reach));
  let b = cell_of(x + vec3f(P.reach));
  var c = 0u;
  for (var z = a.z; z <= b.z; z++) {
    for (var y = a.y; y <= b.y; y++) {
      // The cells a.x..b.x of one row are consecutive, so their points are one slice of `order`.
      let end = cell_start[cell_id(b.x, y, z) + 1u];
      for (var s = cell_start[cell_id(a.x, y, z)]; s < end; s++) {
        if (dist2(x, data_point(order[s])) <= P.r2) { c += 1u; }
      }
    }
  }
  counts[q] = c;
}

// Sorts index[start, end) ascending: insertion sort for short rows (they arrive as a few
// ascending runs, one per cell, so it is nearly linear), heapsort (O(L log L)) for long ones.
fn sort_row(start: u32, end: u32) {
  if (end - start <= SHORT_ROW) {
    for (var i = start + 1u; i < end; i++) {
      let v = index[i];
      var p = i;
      while (p > start && index[p - 1u] > v) {
        index[p] = index[p - 1u];
        p -= 1u;
      }
      index[p] = v;
    }
    return;
  }
  let len = end - start;
  for (var i = len / 2u; i > 0u; i--) { sift(start, i - 1u, len); }
  for (var last = len - 1u; last > 0u; last--) {
    let top = index[start];
    index[start] = index[start + last];
    index[start + last] = top;
    sift(start, 0u, last);
  }
}

// Moves heap entry `root` of the max-heap index[start, start + len) down to its place.
fn sift(start: u32, root: u32, len: u32) {
  var r = root;
  loop {
    var c = 2u * r + 1u;
    if (c >= len) { break; }
    if (c + 1u < len && index[start + c + 1u] > index[start + c]) { c += 1u; }
    let v = index[start + r];
    if (v >= index[start + c]) { break; }
    index[start + r] = index[start + c];
    index[start + c] = v;
    r = c;
  }
}

@compute @workgroup_size(WG)
fn write(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(gid, nwg);
  if (q >= P.m) { return; }
  let x = query_point(q);
  let a = cell_of(x - vec3f(P.reach));
  let b = cell_of(x + vec3f(P.reach));
  let start = row_splits[q];
  let end = row_splits[q + 1u];
  var pos = start;
  for (var z = a.z; z <= b.z; z++) {
    for (var y = a.y; y <= b.y; y++) {
      let stop = cell_start[cell_id(b.x, y, z) + 1u];
      for (var s = cell_start[cell_id(a.x, y, z)]; s < stop && pos < end; s++) {
        let j = order[s];
        if (dist2(x, data_point(j)) <= P.r2) {
          index[pos] = j;
          pos += 1u;
        }
      }
    }
  }
  sort_row(start, pos);
}
