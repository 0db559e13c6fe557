// Weight gradient of the spectral multiply (PyTorch's complex-gradient convention: the gradient of
// a real loss with respect to a complex weight, what a descent step subtracts):
//   dw[i, o, j] = sum_b conj(a[b, i, f(j)]) * g[b, o, f(j)]
// over the kept window j (row-major over [k_1..k_r, k_last]); f(j) is the unshifted position of
// window mode j, as in spectral_mul.wgsl: along a non-last axis f_a = (j_a - floor(k_a/2)) mod n_a,
// along the last f = j. Every output element is written; no zero fill.
// With a population (P = batch / member_batch groups of the batch), dw is [P, c_a, c_g, ...] and
// group p's entries sum into dw[p] only.
// Thread t takes window mode t % kept and a TI x TJ tile of (i, o), tile t / kept. The batch sum
// runs b = 0, 1, ... in order inside one thread: no atomics, bitwise deterministic.

// #include lib/thread_index.wgsl
// #include lib/complex_mul.wgsl
// #include lib/spectral_window.wgsl

// TI (rows i per thread) and TJ (columns o per thread) are generated from SPECTRAL_WGRAD_TILE
// in src/ops/spectral.ts, which sizes the dispatch with it.
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> P: SpectralWgradParams;  // struct generated from spectralWgradParams (src/ops/spectral.ts)
@group(0) @binding(1) var<storage, read> a: array<vec2f>;           // [B, c_a, n_1..n_r, m_a] complex
@group(0) @binding(2) var<storage, read> g: array<vec2f>;           // [B, c_g, n_1..n_r, m_g] complex
@group(0) @binding(3) var<storage, read_write> dw: array<vec2f>;    // [(P,) c_a, c_g, k_1..k_r, k_last] complex

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let mode = t % P.kept;
  let tile = t / P.kept;
  let j0 = (tile % P.j_tiles) * TJ;
  let i0 = ((tile / P.j_tiles) % P.i_tiles) * TI;
  let member = tile / (P.j_tiles * P.i_tiles);
  let b_first = member * P.member_batch;
  if (b_first >= P.batch) { return; }
  let row = window_row(mode);
  let jl = mode % P.k_last;
  let a_at = row * P.m_a + jl;
  let g_at = row * P.m_g + jl;
  let a_chan = P.rows * P.m_a;
  let g_chan = P.rows * P.m_g;
  var acc: array<vec2f, TI * TJ>;  // acc[ii * TJ + ij]: channel pair (i0 + ii, j0 + ij)
  for (var b = b_first; b < b_first + P.member_batch; b++) {
    var av: array<vec2f, TI>;
    for (var ii = 0u; ii < TI; ii++) {
      let i = min(i0 + ii, P.c_a - 1u);  // a clamped row computes a copy that is never stored
      av[ii] = a[(b * P.c_a + i) * a_chan + a_at];
    }
    for (var ij = 0u; ij < TJ; ij++) {
      let j = min(j0 + ij, P.c_g - 1u);
      let gv = g[(b * P.c_g + j) * g_chan + g_at];
      for (var ii = 0u; ii < TI; ii++) {
        acc[ii * TJ + ij] += cmul_conj(av[ii], gv);
      }
    }
  }
  for (var ii = 0u; ii < TI; ii++) {
    for (var ij = 0u; ij < TJ; ij++) {
      let i = i0 + ii;
      let j = j0 + ij;
      if (i < P.c_a && j < P.c_g) {
        dw[((member * P.c_a + i) * P.c_g + j) * P.kept + mode] = acc[ii * TJ + ij];
      }
    }
  }
}
