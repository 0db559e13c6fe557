// The genetic algorithm's selection and reproduction (src/train/evolution/ga_ops.ts).
// ga_parents: parent[p] = order[p] for the elites p < E (the best E, carried over unmutated),
//   otherwise order[floor(u * T)] with u from the Philox stream (key, p): a parent drawn uniformly
//   from the top T (truncation selection). floor(u * T) = mulhi(bits, T), exact in integers.
// ga_mutate: y[p, j] = x[parent[p], j] + eps[p, j] (eps already scaled by sigma; the elites add
//   nothing). One addition per element, so the GPU and the TS twin round identically.

// #include lib/thread_index.wgsl
// #include lib/philox.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: SelectParams;  // struct generated from selectParams (ga_ops.ts)

@group(0) @binding(1) var<storage, read> order: array<i32>;  // [P] best first (argsort)
@group(0) @binding(2) var<storage, read_write> parent: array<i32>;  // [P]

@compute @workgroup_size(WG)
fn ga_parents(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = thread_index(gid, nwg);
  if (p >= P.n) { return; }
  if (p < P.elites) {
    parent[p] = order[p];
    return;
  }
  let bits = philox_block(vec2u(P.key0, P.key1), p)[p & 3u];
  parent[p] = order[philox_mulhi(bits, P.top)];
}
