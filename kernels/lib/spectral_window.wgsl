// The kept window of a spectral layer (spectral_mul.wgsl, spectral_wgrad.wgsl): window mode j
// (row-major over [k_1..k_r, k_last]) of a non-last axis a sits at the unshifted position
// f_a = (j_a - floor(k_a / 2)) mod n_a. Needs P.rank, P.n, P.k and P.k_last (SpectralParams and
// SpectralWgradParams, src/ops/spectral.ts).

// Window mode index -> spatial offset of its row (all axes but the last).
fn window_row(mode: u32) -> u32 {
  var rem = mode / P.k_last;
  var row = 0u;
  var scale = 1u;
  for (var ax = i32(P.rank) - 1; ax >= 0; ax--) {
    let n = P.n[0][ax];
    let k = P.k[0][ax];
    let j = rem % k;
    rem /= k;
    row += ((j + n - k / 2u) % n) * scale;
    scale *= n;
  }
  return row;
}
