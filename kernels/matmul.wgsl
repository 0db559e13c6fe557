// Batched matrix product out = A @ B with A: [M, K], B: [K, N] as logical views.
// Either operand may be stored transposed: its row and column strides come from the uniforms
// (A[m, k] = a[a_off + m * a_row + k * a_col]), so transposes cost nothing.
// Batch: out batch index z (row-major over batch_shape) reads a and b at z's multi-index times
// a_batch / b_batch strides (0 along a broadcast dimension).
//
// Tiling: a workgroup computes a 64 x 64 output tile; its 16 x 16 threads each hold 4 x 4
// outputs, interleaved (rows ty + 16i, columns tx + 16j) so shared-memory reads are conflict free
// and output writes coalesce. K advances 16 at a time through two shared tiles; edge tiles are
// zero-filled, so any M, N, K >= 1 works. Summation order is fixed: results are deterministic.

struct MatmulParams {
  m: u32,
  n: u32,
  k: u32,
  batch_rank: u32,
  a_row: u32,
  a_col: u32,
  b_row: u32,
  b_col: u32,
  batch_shape: array<vec4<u32>, 2>,
  a_batch: array<vec4<u32>, 2>,
  b_batch: array<vec4<u32>, 2>,
}

// Threads per workgroup: the host sets 256 (T * T), the geometry below depends on it.
override WG: u32 = 256;
const T: u32 = 16u;     // threads per tile side
const TILE: u32 = 64u;  // output tile side, T * 4
const BK: u32 = 16u;    // K step

@group(0) @binding(0) var<uniform> P: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;          // [...batch_a, M, K] or [..., K, M]
@group(0) @binding(2) var<storage, read> b: array<f32>;          // [...batch_b, K, N] or [..., N, K]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [...batch, M, N] row-major

var<workgroup> As: array<f32, 1024>;  // [BK, TILE]: As[kk * TILE + m]
var<workgroup> Bs: array<f32, 1024>;  // [BK, TILE]: Bs[kk * TILE + n]

fn at(v: array<vec4<u32>, 2>, i: u32) -> u32 {
  return v[i / 4u][i % 4u];
}

// Stage A[row0 .. +64, k0 .. +16] into As, 4 elements per thread. Consecutive threads take
// consecutive k when A's rows are contiguous, consecutive m otherwise (coalesced reads).
fn load_a(t: u32, a_off: u32, row0: u32, k0: u32) {
  for (var i = 0u; i < 4u; i++) {
    let e = t + i * WG;
    let k_fast = P.a_col == 1u;
    let mm = select(e % TILE, e / BK, k_fast);
    let kk = select(e / TILE, e % BK, k_fast);
    let gm = row0 + mm;
    let gk = k0 + kk;
    var v = 0.0;
    if (gm < P.m && gk < P.k) {
      v = a[a_off + gm * P.a_row + gk * P.a_col];
    }
    As[kk * TILE + mm] = v;
  }
}

// Stage B[k0 .. +16, col0 .. +64] into Bs, the same way.
fn load_b(t: u32, b_off: u32, col0: u32, k0: u32) {
  for (var i = 0u; i < 4u; i++) {
    let e = t + i * WG;
    let n_fast = P.b_col == 1u;
    let nn = select(e / BK, e % TILE, n_fast);
    let kk = select(e % BK, e / TILE, n_fast);
    let gn = col0 + nn;
    let gk = k0 + kk;
    var v = 0.0;
    if (gn < P.n && gk < P.k) {
      v = b[b_off + gk * P.b_row + gn * P.b_col];
    }
    Bs[kk * TILE + nn] = v;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  var rem = wid.z;
  var a_off = 0u;
  var b_off = 0u;
  for (var d = i32(P.batch_rank) - 1; d >= 0; d--) {
    let size = at(P.batch_shape, u32(d));
    let c = rem % size;
    rem /= size;
    a_off += c * at(P.a_batch, u32(d));
    b_off += c * at(P.b_batch, u32(d));
  }
  let tx = t % T;
  let ty = t / T;
  var acc: array<vec4<f32>, 4>;  // acc[i][j] = out[row0 + ty + 16i, col0 + tx + 16j]
  for (var k0 = 0u; k0 < P.k; k0 += BK) {
    load_a(t, a_off, row0, k0);
    load_b(t, b_off, col0, k0);
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let r = kk * TILE;
      let bv = vec4(Bs[r + tx], Bs[r + tx + T], Bs[r + tx + 2u * T], Bs[r + tx + 3u * T]);
      for (var i = 0u; i < 4u; i++) {
        acc[i] = fma(vec4(As[r + ty + i * T]), bv, acc[i]);
      }
    }
    workgroupBarrier();
  }
  let base = wid.z * P.m * P.n;
  for (var i = 0u; i < 4u; i++) {
    let gm = row0 + ty + i * T;
    for (var j = 0u; j < 4u; j++) {
      let gn = col0 + tx + j * T;
      if (gm < P.m && gn < P.n) {
        out[base + gm * P.n + gn] = acc[i][j];
      }
    }
  }
}
