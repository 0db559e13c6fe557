// Spectral multiply of a Fourier layer, fused with its zero fill (REFERENCE.md "SpectralConv").
//   forward: out[b, o, f] = sum_i x[b, i, f] * w[i, o, j(f)]
//   adjoint: out[b, i, f] = sum_o x[b, o, f] * conj(w[i, o, j(f)])   (the x-gradient)
// With a population of weights (w [P, Cin, Cout, ...], P = batch / member_batch), batch entry b
// uses w[b / member_batch]; a single weight is the case member_batch = batch.
// for f inside the kept window, 0 elsewhere. Positions f run over [n_1, ..., n_r, m] (r = d - 1
// full, unshifted non-last axes, then the half-spectrum axis). Window index j_a along a
// non-last axis holds frequency j_a - floor(k_a / 2), stored at f_a = (j_a - floor(k_a/2)) mod n_a;
// along the last axis j = f, j < k_last. The host checks k_a <= n_a and k_last <= both m's, so
// every window mode exists in the input and the output.
//
// One dispatch, two kinds of workgroup (the branch is uniform per workgroup):
//  - the first `compute_groups`: thread t takes window mode t % kept and a TB x TO tile of
//    (batch, output channel) pairs, tile t / kept; consecutive threads read consecutive modes.
//    A batch tile lies inside one member (b_tiles tiles per member), so it reads one weight.
//  - the rest: one thread per output element, writing 0 where the position is outside the
//    window (the buffer comes from the planner's arena, so it is not zero already).
// The channel sum runs in a fixed order: results are bitwise deterministic.

// #include lib/complex_mul.wgsl
// #include lib/spectral_window.wgsl

// TB (batch entries per thread) and TO (output channels per thread) are generated from
// SPECTRAL_TB and SPECTRAL_TO in src/ops/spectral.ts, which size the dispatch with them.
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> P: SpectralParams;  // struct generated from spectralParams (src/ops/spectral.ts)
@group(0) @binding(1) var<storage, read> x: array<vec2f>;          // [B, c_red, n_1..n_r, m_in] complex
@group(0) @binding(2) var<storage, read> w: array<vec2f>;          // [(P,) Cin, Cout, k_1..k_r, k_last] complex
@group(0) @binding(3) var<storage, read_write> out: array<vec2f>;  // [B, c_out, n_1..n_r, m_out] complex

// Whether an output position (row-major over [n_1..n_r, m_out]) lies in the kept window.
fn in_window(pos: u32) -> bool {
  if (pos % P.m_out >= P.k_last) { return false; }
  var rem = pos / P.m_out;
  for (var a = i32(P.rank) - 1; a >= 0; a--) {
    let n = P.n[0][a];
    let k = P.k[0][a];
    let f = rem % n;
    rem /= n;
    if (f + k / 2u < k || f >= n - k / 2u) { continue; }  // freq f in 0..k-k/2-1, or f-n >= -k/2
    return false;
  }
  return true;
}

fn compute(t: u32) {
  let mode = t % P.kept;
  let tile = t / P.kept;
  let o0 = (tile % P.o_tiles) * TO;
  let bt = tile / P.o_tiles;
  let member = bt / P.b_tiles;
  let b_first = member * P.member_batch;
  let b_end = b_first + P.member_batch;
  let b0 = b_first + (bt % P.b_tiles) * TB;
  if (b0 >= P.batch) { return; }
  let w_at = member * P.w_member + mode;
  let row = window_row(mode);
  let jl = mode % P.k_last;
  let x_at = row * P.m_in + jl;
  let x_chan = P.rows * P.m_in;
  let sign = vec2f(1.0, P.w_im_sign);
  var acc: array<vec2f, TB * TO>;  // acc[ib * TO + io]: batch b0 + ib, channel o0 + io
  for (var r = 0u; r < P.c_red; r++) {
    var xv: array<vec2f, TB>;
    for (var ib = 0u; ib < TB; ib++) {
      let b = min(b0 + ib, b_end - 1u);  // a clamped row computes a copy that is never stored
      xv[ib] = x[(b * P.c_red + r) * x_chan + x_at];
    }
    for (var io = 0u; io < TO; io++) {
      let o = min(o0 + io, P.c_out - 1u);
      let wv = w[w_at + r * P.w_red + o * P.w_out] * sign;
      for (var ib = 0u; ib < TB; ib++) {
        acc[ib * TO + io] += cmul(xv[ib], wv);
      }
    }
  }
  let out_at = row * P.m_out + jl;
  let out_chan = P.rows * P.m_out;
  for (var ib = 0u; ib < TB; ib++) {
    for (var io = 0u; io < TO; io++) {
      let b = b0 + ib;
      let o = o0 + io;
      if (b < b_end && o < P.c_out) {
        out[(b * P.c_out + o) * out_chan + out_at] = acc[ib * TO + io];
      }
    }
  }
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let group = wid.x + wid.y * nwg.x;
  if (group < P.compute_groups) {
    compute(group * WG + lid);
    return;
  }
  let e = (group - P.compute_groups) * WG + lid;
  if (e >= P.fill_total) { return; }
  let pos = e % (P.rows * P.m_out);
  if (!in_window(pos)) {
    out[e] = vec2f(0.0);
  }
}
