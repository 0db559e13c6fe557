// Points and the f32 squared distance of the neighbour searches (neighbor_search.wgsl, knn.wgsl,
// neighbor_brute.wgsl). Points are f32 [count, dim] row-major, dim 2 or 3 (a 2-D point has z = 0).
// Needs `P: GridParams` (src/geometry/points.ts) and the storage arrays `data` and `queries`.
//
// The decision rule is the f32 squared distance fl(fl(fl(dx^2) + fl(dy^2)) + fl(dz^2)), each
// d = fl(x - y), compared with r2 = fl(r^2): the float64 reference (src/geometry/reference.ts)
// evaluates the same expression with Math.fround after every operation, so both agree exactly.
// WGSL lets a compiler fuse a multiply and an add into an FMA, which would round differently;
// OR-ing each product's bits with P.zero (always 0, unknown at compile time) rules that out.

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
