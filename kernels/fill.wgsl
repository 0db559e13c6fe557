// Fill a buffer with one value. y: [n] f32 (complex64 fills re and im with the value).

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: FillParams;  // struct generated from fillParams (src/ops/fill.ts)
@group(0) @binding(1) var<storage, read_write> y: array<f32>;  // [n]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  y[i] = P.value;
}
