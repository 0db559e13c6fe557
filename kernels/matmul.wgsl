// Batched matrix product out = A @ B with A: [M, K], B: [K, N] as logical views.
// Either operand may be stored transposed: its row and column strides come from the uniforms
// (A[m, k] = a[a_off + m * a_row + k * a_col]), so transposes cost nothing.
// Batch: out batch index z (row-major over batch_shape) reads a and b at z's multi-index times
// a_batch / b_batch strides (0 along a broadcast dimension).
//
// Entry points: `main` tiles through workgroup memory (GPUs); `lane` has no workgroup memory and
// no barriers (CPU adapters such as SwiftShader, which run those slowly): each invocation computes
// a 4 x 4 output block straight from global memory. Both sum over k in ascending order.
//
// Tiling (main): a workgroup computes a 64 x 64 output tile; its 16 x 16 threads each hold 4 x 4
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
  batch: u32,  // product of batch_shape
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

// Offsets of batch element z in a and b.
fn batch_offsets(z: u32) -> vec2u {
  var rem = z;
  var off = vec2u(0u);
  for (var d = i32(P.batch_rank) - 1; d >= 0; d--) {
    let size = at(P.batch_shape, u32(d));
    let c = rem % size;
    rem /= size;
    off += c * vec2u(at(P.a_batch, u32(d)), at(P.b_batch, u32(d)));
  }
  return off;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let off = batch_offsets(wid.z);
  let a_off = off.x;
  let b_off = off.y;
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

// A[m, k] of batch offset `off`, 0 past the last row.
fn a_at(off: u32, m: u32, k: u32) -> f32 {
  if (m >= P.m) { return 0.0; }
  return a[off + m * P.a_row + k * P.a_col];
}

// B[k, n0 .. n0 + 3] of batch offset `off`, 0 past the last column.
fn b_row4(off: u32, k: u32, n0: u32) -> vec4f {
  let base = off + k * P.b_row + n0 * P.b_col;
  if (n0 + 3u < P.n) {
    return vec4f(b[base], b[base + P.b_col], b[base + 2u * P.b_col], b[base + 3u * P.b_col]);
  }
  var v = vec4f(0.0);
  if (n0 < P.n) { v.x = b[base]; }
  if (n0 + 1u < P.n) { v.y = b[base + P.b_col]; }
  if (n0 + 2u < P.n) { v.z = b[base + 2u * P.b_col]; }
  return v;
}

fn store_row4(base: u32, m: u32, n0: u32, v: vec4f) {
  if (m >= P.m) { return; }
  let o = base + m * P.n + n0;
  out[o] = v.x;
  if (n0 + 1u < P.n) { out[o + 1u] = v.y; }
  if (n0 + 2u < P.n) { out[o + 2u] = v.z; }
  if (n0 + 3u < P.n) { out[o + 3u] = v.w; }
}

@compute @workgroup_size(WG)
fn lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = gid.x + gid.y * nwg.x * WG;
  let tiles_n = (P.n + 3u) / 4u;
  let per_batch = tiles_n * ((P.m + 3u) / 4u);
  let z = t / per_batch;
  if (z >= P.batch) { return; }
  let r = t - z * per_batch;
  let m0 = (r / tiles_n) * 4u;
  let n0 = (r % tiles_n) * 4u;
  let off = batch_offsets(z);
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var k = 0u; k < P.k; k++) {
    let bv = b_row4(off.y, k, n0);
    c0 = fma(vec4f(a_at(off.x, m0, k)), bv, c0);
    c1 = fma(vec4f(a_at(off.x, m0 + 1u, k)), bv, c1);
    c2 = fma(vec4f(a_at(off.x, m0 + 2u, k)), bv, c2);
    c3 = fma(vec4f(a_at(off.x, m0 + 3u, k)), bv, c3);
  }
  let base = z * P.m * P.n;
  store_row4(base, m0, n0, c0);
  store_row4(base, m0 + 1u, n0, c1);
  store_row4(base, m0 + 2u, n0, c2);
  store_row4(base, m0 + 3u, n0, c3);
}
