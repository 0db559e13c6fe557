// k nearest data points per query on the cell grid of neighbor_search.wgsl (same GridParams, and
// the same cells and f32 squared distance: lib/grid_cells.wgsl, lib/grid_points.wgsl).
//   knn           per query: visit the cells in shells of growing Chebyshev distance t around the
//                 query's cell, keeping the k smallest (dist2, index) pairs sorted ascending in the
//                 query's own row of the output; stop after shell t once every unvisited point is
//                 provably farther than the current k-th (or the shells cover the grid).
//   fixed_splits  row_splits[q] = q * k, q = 0..m.
// Why the stop is safe: a point in a cell at Chebyshev distance > t lies more than
// (t - 2 delta) cells away along some axis, delta the rounding error of cell_of() in cells
// (< 2^-7: the TS keeps each axis <= 2^16 cells and coordinates / cell < 2^20). So its dist2 is at
// least bound(t) = ((t - 0.05) cell)^2 (1 - 2^-13); when bound(t) > the k-th dist2 it can neither
// beat the k-th nor tie it, so the rows equal the first k of a sort by (dist2, index).

// #include lib/thread_index.wgsl
// #include lib/grid_points.wgsl
// #include lib/grid_cells.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: GridParams;  // struct generated from gridParams (src/geometry/points.ts)
@group(0) @binding(1) var<storage, read> data: array<f32>;           // [n, dim]
@group(0) @binding(2) var<storage, read> queries: array<f32>;        // [m, dim]
@group(0) @binding(3) var<storage, read> order: array<u32>;          // [n] by (cell, index)
@group(0) @binding(4) var<storage, read> cell_start: array<u32>;     // [cells + 1]
@group(0) @binding(5) var<storage, read_write> index: array<u32>;    // [m, k] data index
@group(0) @binding(6) var<storage, read_write> dist: array<f32>;     // [m, k] its dist2
@group(0) @binding(1) var<storage, read_write> splits: array<u32>;   // fixed_splits: [m + 1]

// Offer data point j at dist2 d to the sorted row [base, base + filled); returns the new fill.
fn offer(base: u32, filled: u32, d: f32, j: u32) -> u32 {
  var pos = filled;
  if (filled == P.k) {
    let last = base + P.k - 1u;
    if (d > dist[last] || (d == dist[last] && j > index[last])) { return filled; }
    pos = P.k - 1u;
  }
  while (pos > 0u) {
    let p = base + pos - 1u;
    if (dist[p] < d || (dist[p] == d && index[p] < j)) { break; }
    dist[p + 1u] = dist[p];
    index[p + 1u] = index[p];
    pos -= 1u;
  }
  dist[base + pos] = d;
  index[base + pos] = j;
  return min(filled + 1u, P.k);
}

// Offer every point of cells x0..x1 of one grid row (one slice of `order`).
fn visit_row(x: vec3f, base: u32, filled: u32, x0: u32, x1: u32, y: u32, z: u32) -> u32 {
  var f = filled;
  let end = cell_start[cell_id(x1, y, z) + 1u];
  for (var s = cell_start[cell_id(x0, y, z)]; s < end; s++) {
    let j = order[s];
    f = offer(base, f, dist2(x, data_point(j)), j);
  }
  return f;
}

@compute @workgroup_size(WG)
fn knn(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(gid, nwg);
  if (q >= P.m) { return; }
  let x = query_point(q);
  let c = vec3i(cell_of(x));
  let top = vec3i(i32(P.gx) - 1, i32(P.gy) - 1, i32(P.gz) - 1);
  let base = q * P.k;
  var filled = 0u;
  for (var t = 0i; ; t++) {
    let lo = max(c - vec3i(t), vec3i(0));
    let hi = min(c + vec3i(t), top);
    for (var z = lo.z; z <= hi.z; z++) {
      for (var y = lo.y; y <= hi.y; y++) {
        if (abs(z - c.z) == t || abs(y - c.y) == t) {
          filled = visit_row(x, base, filled, u32(lo.x), u32(hi.x), u32(y), u32(z));
        } else {
          // Inside the shell's faces only its two x ends are new.
          let yz = vec2u(u32(y), u32(z));
          if (c.x - t >= 0) {
            filled = visit_row(x, base, filled, u32(c.x - t), u32(c.x - t), yz.x, yz.y);
          }
          if (c.x + t <= top.x && t > 0) {
            filled = visit_row(x, base, filled, u32(c.x + t), u32(c.x + t), yz.x, yz.y);
          }
        }
      }
    }
    if (all(c - vec3i(t) <= vec3i(0)) && all(c + vec3i(t) >= top)) { break; }
    if (t >= 1 && filled == P.k) {
      let gap = (f32(t) - 0.05) * P.cell;
      if (gap * gap * (1.0 - 1.0 / 8192.0) > dist[base + P.k - 1u]) { break; }
    }
  }
}

@compute @workgroup_size(WG)
fn fixed_splits(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(gid, nwg);
  if (q > P.m) { return; }
  splits[q] = q * P.k;
}
