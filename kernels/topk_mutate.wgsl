// ga_mutate (src/train/evolution/ga_ops.ts): y[p, j] = x[parent[p], j] + eps[p, j] for p >= E,
// x[parent[p], j] for the elites p < E. x, eps, y: [P, D] f32; parent: [P] i32.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: MutateParams;  // struct generated from mutateParams (ga_ops.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;  // [P, D] the current population
@group(0) @binding(2) var<storage, read> parent: array<i32>;  // [P]
@group(0) @binding(3) var<storage, read> eps: array<f32>;  // [P, D] sigma-scaled noise
@group(0) @binding(4) var<storage, read_write> y: array<f32>;  // [P, D] the children

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let p = i / P.d;
  let v = x[u32(parent[p]) * P.d + i - p * P.d];
  y[i] = select(v + eps[i], v, p < P.elites);
}
