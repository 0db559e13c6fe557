// Complex helpers, one pipeline per op (override OP, the OP_* codes generated from CODES in
// src/ops/complex.ts); complex64 is interleaved (re, im) f32 pairs.
//   OP_COMPLEX  complex(a, b): a, b f32        -> out complex64, out = a + i b
//   OP_REAL     real(a):       a complex64     -> out f32
//   OP_IMAG     imag(a):       a complex64     -> out f32
//   OP_CONJ     conj(a):       a complex64     -> out complex64
//   OP_CMUL     cmul(a, b):    a, b complex64  -> out complex64, the complex product
// a and b are read through element strides (0 along broadcast axes); single-input ops bind a twice.

// #include lib/thread_index.wgsl
// #include lib/broadcast_index.wgsl

override WG: u32 = 256;
override RANK: u32 = 1;  // axes of the (coalesced) index walk, 1..8: a constant loop bound
override OP: u32 = 0;

@group(0) @binding(0) var<uniform> P: BroadcastParams;  // struct generated from broadcastParams (src/ops/binary.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;          // f32 (OP_COMPLEX) or complex64 words
@group(0) @binding(2) var<storage, read> b: array<f32>;          // f32 (OP_COMPLEX) or complex64 words
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [n] elements, row-major with shape P.shape

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
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let ab = broadcast_index(i);
  let ia = ab.x;
  let ib = ab.y;
  switch OP {
    case OP_COMPLEX: { put(i, vec2f(a[ia], b[ib])); }
    case OP_REAL: { out[i] = a[2u * ia]; }
    case OP_IMAG: { out[i] = a[2u * ia + 1u]; }
    case OP_CONJ: { put(i, pair_a(ia) * vec2f(1.0, -1.0)); }
    case OP_CMUL, default: {
      let x = pair_a(ia);
      let y = pair_b(ib);
      put(i, vec2f(x.x * y.x - x.y * y.y, x.x * y.y + x.y * y.x));
    }
  }
}
