// Elementwise binary ops with NumPy broadcasting, one pipeline per op (override OP).
// a, b: any shapes broadcastable to out; their strides are 0 along broadcast axes.
// out: [n] f32, row-major with shape P.shape (rank <= 8). The OP_* codes are generated from
// BINARY_CODES in src/ops/binary.ts, the ACT_* codes (an epilogue the planner fused: GELU of the
// result) from BINARY_ACTS.

// #include lib/thread_index.wgsl
// #include lib/broadcast_index.wgsl
// #include lib/pow_signed.wgsl
// #include lib/gelu.wgsl

override WG: u32 = 256;
override RANK: u32 = 1;  // axes of the (coalesced) index walk, 1..8: a constant loop bound
override OP: u32 = 0;
override ACT: u32 = 0;

@group(0) @binding(0) var<uniform> P: BroadcastParams;  // struct generated from broadcastParams (src/ops/binary.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [n]

fn apply(x: f32, y: f32) -> f32 {
  switch OP {
    case OP_ADD: { return x + y; }
    case OP_SUB: { return x - y; }
    case OP_MUL: { return x * y; }
    case OP_DIV: { return x / y; }
    case OP_POW: { return pow_signed(x, y); }
    default: { return x; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let ab = broadcast_index(i);
  let v = apply(a[ab.x], b[ab.y]);
  if (ACT == ACT_GELU) {
    out[i] = gelu(v);
  } else {
    out[i] = v;
  }
}
