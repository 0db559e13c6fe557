// Concatenation, one dispatch per input: copy input x, viewed as [outer, len, inner], into rows
// offset..offset+len-1 of out, viewed as [outer, out_len, inner]. `inner` counts f32 words (it
// includes the factor 2 of complex64), so the kernel is dtype-blind. Dispatches write disjoint
// regions of the same output buffer.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: ConcatParams;  // struct generated from concatParams (src/ops/concat.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // [outer, len, inner], n = outer * len * inner words
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [outer, out_len, inner]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let j = i % P.inner;
  let r = i / P.inner;
  let a = r % P.len;
  let b = r / P.len;
  out[(b * P.out_len + P.offset + a) * P.inner + j] = x[i];
}
