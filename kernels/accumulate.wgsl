// In-place acc += value (ASSIGN = 0) or acc = value (ASSIGN = 1) over n floats, recorded after a
// step's graph: the trainer sums per-batch losses on the GPU and reads them back once per logging
// interval; a solver writes its new state into the leaf that holds it.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override ASSIGN: u32 = 0;

@group(0) @binding(0) var<uniform> P: AccumulateParams;  // struct generated from the accumulate kernel's layout (src/graph/in_place.ts)
@group(0) @binding(1) var<storage, read_write> acc: array<f32>;  // [n]
@group(0) @binding(2) var<storage, read> value: array<f32>;      // [n]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  acc[i] = select(acc[i] + value[i], value[i], ASSIGN == 1u);
}
