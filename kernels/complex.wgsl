// Complex helpers, one pipeline per op (override OP); complex64 is interleaved (re, im) f32 pairs.
//   0 complex(a, b): a, b f32            -> out complex64, out = a + i b
//   1 real(a):       a complex64         -> out f32
//   2 imag(a):       a complex64         -> out f32
//   3 conj(a):       a complex64         -> out complex64
//   4 cmul(a, b):    a, b complex64      -> out complex64, the complex product
// a and b are read through element strides (0 along broadcast axes); single-input ops bind a twice.

struct BroadcastParams {
  n: u32,
  shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
}

override WG: u32 = 256;
override RANK: u32 = 1;  // axes of the (coalesced) index walk, 1..8: a constant loop bound
override OP: u32 = 0;

@group(0) @binding(0) var<uniform> P: BroadcastParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;          // f32 (OP 0) or complex64 words
@group(0) @binding(2) var<storage, read> b: array<f32>;          // f32 (OP 0) or complex64 words
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [n] elements, row-major with shape P.shape

fn at(v: array<vec4<u32>, 2>, k: u32) -> u32 {
  return v[k / 4u][k % 4u];
}

fn pair_a(e: u32) -> vec2f {
  return vec2f(a[2u * e], a[2u * e + 1u]);
}

fn pair_b(e: u32) -> vec2f {
  return vec2f(b[2u * e], b[2u * e + 1u]);
}

fn put(i: u32, z: vec2f) {
  out[2u * i] = z.x;
  out[2u * i + 1u] = z.y;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var k = i32(RANK) - 1; k >= 0; k--) {
    let d = at(P.shape, u32(k));
    let c = rem % d;
    rem = rem / d;
    ia += c * at(P.a_strides, u32(k));
    ib += c * at(P.b_strides, u32(k));
  }
  switch OP {
    case 0u: { put(i, vec2f(a[ia], b[ib])); }
    case 1u: { out[i] = a[2u * ia]; }
    case 2u: { out[i] = a[2u * ia + 1u]; }
    case 3u: { put(i, pair_a(ia) * vec2f(1.0, -1.0)); }
    default: {
      let x = pair_a(ia);
      let y = pair_b(ib);
      put(i, vec2f(x.x * y.x - x.y * y.y, x.x * y.y + x.y * y.x));
    }
  }
}
