// Window copy, the kernel of pad and slice: output coordinate c maps to input coordinate
// c + P.offset (per axis); the output is 0 where that falls outside the input.
// pad: offset = -before on every axis; slice: offset = start on its axis, 0 elsewhere.
// An element is W f32 words (W = 2 for complex64, interleaved re, im); strides count elements.

struct WindowParams {
  n: u32,
  rank: u32,
  out_shape: array<vec4<u32>, 2>,
  in_shape: array<vec4<u32>, 2>,
  in_strides: array<vec4<u32>, 2>,
  offset: array<vec4<i32>, 2>,
}

override WG: u32 = 256;
override W: u32 = 1;

@group(0) @binding(0) var<uniform> P: WindowParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;          // [prod(in_shape) * W], row-major
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [n * W], row-major with shape P.out_shape (rank <= 8)

fn at(v: array<vec4<u32>, 2>, k: u32) -> u32 {
  return v[k / 4u][k % 4u];
}

fn ati(v: array<vec4<i32>, 2>, k: u32) -> i32 {
  return v[k / 4u][k % 4u];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
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
