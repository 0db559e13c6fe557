// Fill a tensor from the Philox stream (seed, offset + i) (src/ops/random.ts; conventions in
// src/random_philox.ts). y: [n] f32 as rows of row_len: element i is element offset + i % row_len
// of the stream with key (key0, key1 + i / row_len) (row_len = n: one stream).

// #include lib/thread_index.wgsl
// #include lib/philox.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: RandomParams;  // struct generated from randomParams (src/ops/random.ts)
@group(0) @binding(1) var<storage, read_write> y: array<f32>;  // [n]

// Standard normal times P.scale (one rounding, as the TS twin's philoxNormals).
@compute @workgroup_size(WG)
fn fill_normal(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let r = i / P.row_len;
  y[i] = philox_normal(vec2u(P.key0, P.key1 + r), P.offset + i - r * P.row_len) * P.scale;
}

// Uniform in [0, 1).
@compute @workgroup_size(WG)
fn fill_uniform(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let r = i / P.row_len;
  y[i] = philox_uniform(vec2u(P.key0, P.key1 + r), P.offset + i - r * P.row_len);
}
