// The reference for achieved bandwidth (bench/gpu/bandwidth.ts): a plain copy, 16 bytes read and
// 16 written per invocation, timed like every kernel (GPU timestamps around its pass).
// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: CopyParams;
// src, dst: [n] vec4<f32>
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i < P.n) {
    dst[i] = src[i];
  }
}
