// The broadcast index walk of binary.wgsl and complex.wgsl: output element i (row-major over
// P.shape) reads a at the sum of its coordinates times P.a_strides, and b likewise (strides are 0
// along broadcast axes). Needs `P: BroadcastParams` (src/ops/binary.ts) and the kernel's
// `override RANK: u32`, the rank of the coalesced walk (1..8), a constant loop bound.
// #include lib/packed.wgsl

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
