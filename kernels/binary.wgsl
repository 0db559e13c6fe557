// Elementwise binary ops with NumPy broadcasting, one pipeline per op (override OP).
// a, b: any shapes broadcastable to out; their strides are 0 along broadcast axes.
// out: [n] f32, row-major with shape P.shape (rank P.rank <= 8).

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
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [n]

fn at(v: array<vec4<u32>, 2>, k: u32) -> u32 {
  return v[k / 4u][k % 4u];
}

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return pow_signed(x, y); }
    default: { return x; }
  }
}

// x^p for real p; negative bases only for integer p (as in PyTorch), NaN otherwise.
fn pow_signed(v: f32, p: f32) -> f32 {
  if (p == 0.0) { return 1.0; }
  if (v >= 0.0) { return pow(v, p); }
  if (p != floor(p)) {
    var nan_bits = 0x7fc00000u;  // a var, not a constant: WGSL rejects NaN in constant expressions
    return bitcast<f32>(nan_bits);
  }
  let m = pow(-v, p);
  return select(m, -m, (i32(p) & 1) == 1);
}

// Offsets into a and b of output element i. Ranks 1-3 (most coalesced walks) are straight-line
// code with constant uniform indices; a loop with dynamic indices is far slower on CPU adapters.
fn broadcast_index(i: u32) -> vec2u {
  let sa = P.a_strides[0];
  let sb = P.b_strides[0];
  if (RANK == 1u) { return vec2u(i * sa.x, i * sb.x); }
  if (RANK == 2u) {
    let c0 = i / P.shape[0].y;
    let c1 = i - c0 * P.shape[0].y;
    return vec2u(c0 * sa.x + c1 * sa.y, c0 * sb.x + c1 * sb.y);
  }
  if (RANK == 3u) {
    let c01 = i / P.shape[0].z;
    let c2 = i - c01 * P.shape[0].z;
    let c0 = c01 / P.shape[0].y;
    let c1 = c01 - c0 * P.shape[0].y;
    return vec2u(c0 * sa.x + c1 * sa.y + c2 * sa.z, c0 * sb.x + c1 * sb.y + c2 * sb.z);
  }
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
  return vec2u(ia, ib);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  let ab = broadcast_index(i);
  let ia = ab.x;
  let ib = ab.y;
  out[i] = apply(a[ia], b[ib]);
}
