// Batched matrix product out = A @ B with A: [M, K], B: [K, N] as logical views.
// Either operand may be stored transposed: its row and column strides come from the uniforms
// (A[m, k] = a[a_off + m * a_row + k * a_col]), so transposes cost nothing.
// Batch: out batch index z (row-major over batch_shape) reads a and b at z's multi-index times
// a_batch / b_batch strides (0 along a broadcast dimension).
//
// Optional bias (override BIAS): BIAS_PER_COLUMN adds bias[n] to every row, BIAS_PER_ROW adds
// bias[m] to every column (the host binds a dummy buffer for BIAS_NONE). Optional activation
// after the bias (override ACT: ACT_NONE or ACT_GELU, the exact GELU), used when the planner
// fuses a GELU that alone reads the product. The BIAS_* and ACT_* codes are generated from
// BIAS_CODES and ACT_CODES in src/ops/matmul.ts.
//
// Split K: with P.k_chunk < P.k, workgroup z (or lane batch index) = s * batch + batch index
// sums only k in [s * k_chunk, (s + 1) * k_chunk) and writes slice s of a [slices, batch, M, N]
// partial buffer, without bias; kernels/matmul_split.wgsl then adds the slices in ascending s
// and the bias. The host splits only products with few outputs and long K (weight gradients).
//
// Entry points: `main` tiles through workgroup memory (GPUs); `lane` has no workgroup memory and
// no barriers (CPU adapters such as SwiftShader, which run those slowly): each invocation computes
// an 8 x 8 output block straight from global memory. Both sum over k in ascending order.
//
// P.batch is the product of batch_shape; P.k_chunk the K range per slice (P.k when not split).
//
// Tiling (main): a workgroup computes a 64 x 64 output tile; its 16 x 16 threads each hold 4 x 4
// outputs, interleaved (rows ty + 16i, columns tx + 16j) so shared-memory reads are conflict free
// and output writes coalesce. K advances 16 at a time through two shared tiles; edge tiles are
// zero-filled, so any M, N, K >= 1 works. Summation order is fixed: results are deterministic.

// #include lib/thread_index.wgsl
// #include lib/packed.wgsl
// #include lib/gelu.wgsl

// Threads per workgroup: the host sets 256 (T * T), the geometry below depends on it.
override WG: u32 = 256;
override BIAS: u32 = BIAS_NONE;
override ACT: u32 = ACT_NONE;
const T: u32 = 16u;     // threads per tile side
const TILE: u32 = 64u;  // output tile side, T * 4
const BK: u32 = 16u;    // K step

@group(0) @binding(0) var<uniform> P: MatmulParams;  // struct generated from matmulParams (src/ops/matmul.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;          // [...batch_a, M, K] or [..., K, M]
@group(0) @binding(2) var<storage, read> b: array<f32>;          // [...batch_b, K, N] or [..., N, K]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [...batch, M, N] row-major
@group(0) @binding(4) var<storage, read> bias: array<f32>;        // [N] (BIAS_PER_COLUMN) or [M] (BIAS_PER_ROW)

var<workgroup> As: array<f32, 1024>;  // [BK, TILE]: As[kk * TILE + m]
var<workgroup> Bs: array<f32, 1024>;  // [BK, TILE]: Bs[kk * TILE + n]

// Stage A[row0 .. +64, k0 .. +16] into As (zero at k >= k_end), 4 elements per thread. Consecutive threads take
// consecutive k when A's rows are contiguous, consecutive m otherwise (coalesced reads).
fn load_a(t: u32, a_off: u32, row0: u32, k0: u32, k_end: u32) {
  for (var i = 0u; i < 4u; i++) {
    let e = t + i * WG;
    let k_fast = P.a_col == 1u;
    let mm = select(e % TILE, e / BK, k_fast);
    let kk = select(e / TILE, e % BK, k_fast);
    let gm = row0 + mm;
    let gk = k0 + kk;
    var v = 0.0;
    if (gm < P.m && gk < k_end) {
      v = a[a_off + gm * P.a_row + gk * P.a_col];
    }
    As[kk * TILE + mm] = v;
  }
}

// Stage B[k0 .. +16, col0 .. +64] into Bs, the same way.
fn load_b(t: u32, b_off: u32, col0: u32, k0: u32, k_end: u32) {
  for (var i = 0u; i < 4u; i++) {
    let e = t + i * WG;
    let n_fast = P.b_col == 1u;
    let nn = select(e / BK, e % TILE, n_fast);
    let kk = select(e % BK, e / TILE, n_fast);
    let gn = col0 + nn;
    let gk = k0 + kk;
    var v = 0.0;
    if (gn < P.n && gk < k_end) {
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
  let off = batch_offsets(wid.z % P.batch);
  let a_off = off.x;
  let b_off = off.y;
  let tx = t % T;
  let ty = t / T;
  let k_begin = (wid.z / P.batch) * P.k_chunk;
  let k_end = min(P.k, k_begin + P.k_chunk);
  var acc: array<vec4<f32>, 4>;  // acc[i][j] = out[row0 + ty + 16i, col0 + tx + 16j]
  for (var k0 = k_begin; k0 < k_end; k0 += BK) {
    load_a(t, a_off, row0, k0, k_end);
    load_b(t, b_off, col0, k0, k_end);
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
  let base = wid.z * P.m * P.n;  // slice-major when K is split
  for (var i = 0u; i < 4u; i++) {
    let gm = row0 + ty + i * T;
    for (var j = 0u; j < 4u; j++) {
      let gn = col0 + tx + j * T;
      if (gm < P.m && gn < P.n) {
        out[base + gm * P.n + gn] = act(acc[i][j] + bias_at(gm, gn));
      }
    }
  }
}

fn act(v: f32) -> f32 {
  if (ACT == ACT_GELU) { return gelu(v); }
  return v;
}

// The bias term of out[m, n]; 0 when the product has none or K is split (added afterwards).
fn bias_at(m: u32, n: u32) -> f32 {
  if (P.k_chunk < P.k) { return 0.0; }
  if (BIAS == BIAS_PER_COLUMN) { return bias[n]; }
  if (BIAS == BIAS_PER_ROW) { return bias[m]; }
  return 0.0;
}

// Row m's bias for columns n0 .. n0 + 3 (columns clamped; those past N are never stored).
fn bias_row4(m: u32, n0: u32) -> vec4f {
  let c = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(P.n - 1u));
  return vec4f(bias_at(m, c.x), bias_at(m, c.y), bias_at(m, c.z), bias_at(m, c.w));
}

fn store_row4(base: u32, m: u32, n0: u32, v: vec4f) {
  if (m >= P.m) { return; }
  let o = base + m * P.n + n0;
  let b = v + bias_row4(m, n0);
  let w = vec4f(act(b.x), act(b.y), act(b.z), act(b.w));
  out[o] = w.x;
  if (n0 + 1u < P.n) { out[o + 1u] = w.y; }
  if (n0 + 2u < P.n) { out[o + 2u] = w.z; }
  if (n0 + 3u < P.n) { out[o + 3u] = w.w; }
}

// B[k, n0 .. n0 + 3] of column offsets `cols` (clamped to N - 1 by the caller: the loads need no
// branch, and the columns past N are never stored).
fn b_row4(cols: vec4u, k: u32) -> vec4f {
  let r = k * P.b_row;
  return vec4f(b[cols.x + r], b[cols.y + r], b[cols.z + r], b[cols.w + r]);
}

// Offsets of columns n0 .. n0 + 3 of B in batch offset `off`, clamped to the last column.
fn b_cols(off: u32, n0: u32) -> vec4u {
  let n = min(vec4u(n0) + vec4u(0u, 1u, 2u, 3u), vec4u(P.n - 1u));
  return vec4u(off) + n * P.b_col;
}

// Offset of row m of A in batch offset `off`, clamped to the last row.
fn a_row(off: u32, m: u32) -> u32 {
  return off + min(m, P.m - 1u) * P.a_row;
}

// One invocation, one 8 x 8 block: rows m0 .. m0 + 7, columns n0 .. n0 + 7 (c_i holds row i's
// first four columns, d_i the next four). Loads are clamped rather than branched, which lets
// SwiftShader run the loop 3x faster than with bounds branches (measured, docs/benchmarks.md);
// 16 loads feed 64 multiply-adds per k.
@compute @workgroup_size(WG)
fn lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let tiles_n = (P.n + 7u) / 8u;
  let per_batch = tiles_n * ((P.m + 7u) / 8u);
  let zs = t / per_batch;  // slice * batch + batch index
  let slices = (P.k + P.k_chunk - 1u) / P.k_chunk;
  if (zs >= P.batch * slices) { return; }
  let r = t - zs * per_batch;
  let m0 = (r / tiles_n) * 8u;
  let n0 = (r % tiles_n) * 8u;
  let off = batch_offsets(zs % P.batch);
  let k_begin = (zs / P.batch) * P.k_chunk;
  let k_end = min(P.k, k_begin + P.k_chunk);
  let r0 = a_row(off.x, m0);
  let r1 = a_row(off.x, m0 + 1u);
  let r2 = a_row(off.x, m0 + 2u);
  let r3 = a_row(off.x, m0 + 3u);
  let r4 = a_row(off.x, m0 + 4u);
  let r5 = a_row(off.x, m0 + 5u);
  let r6 = a_row(off.x, m0 + 6u);
  let r7 = a_row(off.x, m0 + 7u);
  let cb = b_cols(off.y, n0);
  let cd = b_cols(off.y, n0 + 4u);
  var c0 = vec4f(0.0); var d0 = vec4f(0.0);
  var c1 = vec4f(0.0); var d1 = vec4f(0.0);
  var c2 = vec4f(0.0); var d2 = vec4f(0.0);
  var c3 = vec4f(0.0); var d3 = vec4f(0.0);
  var c4 = vec4f(0.0); var d4 = vec4f(0.0);
  var c5 = vec4f(0.0); var d5 = vec4f(0.0);
  var c6 = vec4f(0.0); var d6 = vec4f(0.0);
  var c7 = vec4f(0.0); var d7 = vec4f(0.0);
  for (var k = k_begin; k < k_end; k++) {
    let bc = b_row4(cb, k);
    let bd = b_row4(cd, k);
    let ak = k * P.a_col;
    let a0 = vec4f(a[r0 + ak]); c0 = fma(a0, bc, c0); d0 = fma(a0, bd, d0);
    let a1 = vec4f(a[r1 + ak]); c1 = fma(a1, bc, c1); d1 = fma(a1, bd, d1);
    let a2 = vec4f(a[r2 + ak]); c2 = fma(a2, bc, c2); d2 = fma(a2, bd, d2);
    let a3 = vec4f(a[r3 + ak]); c3 = fma(a3, bc, c3); d3 = fma(a3, bd, d3);
    let a4 = vec4f(a[r4 + ak]); c4 = fma(a4, bc, c4); d4 = fma(a4, bd, d4);
    let a5 = vec4f(a[r5 + ak]); c5 = fma(a5, bc, c5); d5 = fma(a5, bd, d5);
    let a6 = vec4f(a[r6 + ak]); c6 = fma(a6, bc, c6); d6 = fma(a6, bd, d6);
    let a7 = vec4f(a[r7 + ak]); c7 = fma(a7, bc, c7); d7 = fma(a7, bd, d7);
  }
  let base = zs * P.m * P.n;
  store_row8(base, m0, n0, c0, d0);
  store_row8(base, m0 + 1u, n0, c1, d1);
  store_row8(base, m0 + 2u, n0, c2, d2);
  store_row8(base, m0 + 3u, n0, c3, d3);
  store_row8(base, m0 + 4u, n0, c4, d4);
  store_row8(base, m0 + 5u, n0, c5, d5);
  store_row8(base, m0 + 6u, n0, c6, d6);
  store_row8(base, m0 + 7u, n0, c7, d7);
}

fn store_row8(base: u32, m: u32, n0: u32, c: vec4f, d: vec4f) {
  store_row4(base, m, n0, c);
  if (n0 + 4u < P.n) { store_row4(base, m, n0 + 4u, d); }
}
