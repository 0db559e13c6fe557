// The uniform cell grid of the neighbour searches (neighbor_search.wgsl, knn.wgsl): cells of side
// P.cell (P.inv = fl(1 / cell)) from (P.lo_x, P.lo_y, P.lo_z), P.gx x P.gy x P.gz of them, linear
// id (z * gy + y) * gx + x. Both kernels bin with these functions, so a point has one cell.
// Needs `P: GridParams` (src/geometry/points.ts).

// The grid cell of p, clamped into the grid.
fn cell_of(p: vec3f) -> vec3u {
  let lo = vec3f(P.lo_x, P.lo_y, P.lo_z);
  let top = vec3f(f32(P.gx - 1u), f32(P.gy - 1u), f32(P.gz - 1u));
  return vec3u(clamp(floor((p - lo) * P.inv), vec3f(0.0), top));
}

fn cell_id(x: u32, y: u32, z: u32) -> u32 {
  return (z * P.gy + y) * P.gx + x;
}
