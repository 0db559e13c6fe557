// Window copy, the kernel of pad and slice: output coordinate c maps to input coordinate
// c + P.offset (per axis); the output is 0 where that falls outside the input.
// pad: offset = -before on every axis; slice: offset = start on its axis, 0 elsewhere.
// An element is W f32 words (W = 2 for complex64, interleaved re, im); strides count elements.

// #include lib/thread_index.wgsl
// #include lib/packed.wgsl

override WG: u32 = 256;
override W: u32 = 1;

@group(0) @binding(0) var<uniform> P: WindowParams;  // struct generated from windowParams (src/ops/pad.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // [prod(in_shape) * W], row-major
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [n * W], row-major with shape P.out_shape (rank <= 8)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  var rem = i;
  var src = 0u;
  var inside = true;
  for (var k = i32(P.rank) - 1; k >= 0; k--) {
    let d = at(P.out_shape, u32(k));
    let s = i32(rem % d) + ati(P.offset, u32(k));
    rem = rem / d;
    inside = inside && s >= 0 && u32(s) < at(P.in_shape, u32(k));
    src += u32(max(s, 0)) * at(P.in_strides, u32(k));
  }
  for (var c = 0u; c < W; c++) {
    var v = 0.0;
    if (inside) { v = x[src * W + c]; }
    out[i * W + c] = v;
  }
}
