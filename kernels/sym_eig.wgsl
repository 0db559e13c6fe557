// Eigenvalues of symmetric 2x2 and 3x3 matrices in closed form, one invocation per matrix, stored
// as the packed upper triangle (row-major):
//   eig2: a [n, 3] = (a00, a01, a11)                -> lam [n, 2] ascending
//   eig3: a [n, 6] = (a00, a01, a02, a11, a12, a22) -> lam [n, 3] ascending
// 2x2: mean m = (a00 + a11) / 2 and radius r = |((a00 - a11) / 2, a01)|, lam = m -+ r.
// 3x3: Smith's trigonometric solution (O. K. Smith, "Eigenvalues of a symmetric 3x3 matrix",
// CACM 4(4), 1961): q = tr(A) / 3, p = sqrt(|A - qI|_F^2 / 6), B = (A - qI) / p, whose
// eigenvalues b solve b^3 - 3b - 2r = 0 with r = det(B) / 2 in [-1, 1]: b_k = 2 cos(phi + 2 pi k / 3),
// phi = acos(r) / 3. WGSL's cos and acos are only accurate to about 2^-11 (absolute), so only the
// root that stays simple is taken from the cosine (2 cos(phi) for r >= 0, in [sqrt 3, 2]; its
// negative-r mirror otherwise), polished by Newton steps on the cubic (its slope there is >= 6),
// and the other two come from the deflated quadratic b^2 + s b + s^2 - 3 = 0:
// b = (-s -+ sqrt(3 (4 - s^2))) / 2. Working on the shifted, scaled B keeps |q| >> spread from
// cancelling. Near a double root (r = +-1) the pair's split still carries an error of order
// sqrt(f32 eps) * p: the limit of any route through the characteristic polynomial. p = 0 (A = qI)
// gives q three times.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

// sign with sign(0) = 1: r = 0 takes the r >= 0 branch.
fn sign_of(v: f32) -> f32 {
  return select(-1.0, 1.0, v >= 0.0);
}

@group(0) @binding(0) var<uniform> P: SymEigParams;  // struct generated from symEigParams (src/ops/sym_eig.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;          // [n, 3] or [n, 6] packed upper triangle
@group(0) @binding(2) var<storage, read_write> lam: array<f32>;  // [n, 2] or [n, 3] ascending

@compute @workgroup_size(WG)
fn eig2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let m = 0.5 * (a[3u * i] + a[3u * i + 2u]);
  let h = 0.5 * (a[3u * i] - a[3u * i + 2u]);
  let r = length(vec2f(h, a[3u * i + 1u]));
  lam[2u * i] = m - r;
  lam[2u * i + 1u] = m + r;
}

@compute @workgroup_size(WG)
fn eig3(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let at = 6u * i;
  let off = vec3f(a[at + 1u], a[at + 2u], a[at + 4u]);  // a01, a02, a12
  let q = (a[at] + a[at + 3u] + a[at + 5u]) / 3.0;
  let dg = vec3f(a[at], a[at + 3u], a[at + 5u]) - q;   // diagonal of A - qI
  let p = sqrt((dot(dg, dg) + 2.0 * dot(off, off)) / 6.0);
  var l = vec3f(q);
  if (p > 0.0) {
    let b = dg / p;
    let o = off / p;
    // det(B) by cofactors of the first row: b0 (b1 b2 - o12^2) - o01 (o01 b2 - o12 o02) + o02 (o01 o12 - b1 o02).
    let det = b.x * (b.y * b.z - o.z * o.z) - o.x * (o.x * b.z - o.z * o.y) + o.y * (o.x * o.z - b.y * o.y);
    let r = clamp(0.5 * det, -1.0, 1.0);
    // The simple root, for |r| from 2 cos(acos(|r|) / 3), then 3 Newton steps on b^3 - 3b - 2|r|.
    var b0 = 2.0 * cos(acos(abs(r)) / 3.0);
    for (var k = 0; k < 3; k++) {
      b0 -= (b0 * b0 * b0 - 3.0 * b0 - 2.0 * abs(r)) / (3.0 * b0 * b0 - 3.0);
    }
    let s0 = sign_of(r) * b0;
    let half = 0.5 * sqrt(max(3.0 * (4.0 - s0 * s0), 0.0));
    l = q + p * vec3f(s0, -0.5 * s0 - half, -0.5 * s0 + half);
  }
  // Sorted (the simple root is the largest for r >= 0, the smallest otherwise).
  let lo = min(l.x, min(l.y, l.z));
  let hi = max(l.x, max(l.y, l.z));
  lam[3u * i] = lo;
  lam[3u * i + 1u] = max(min(l.x, l.y), min(max(l.x, l.y), l.z));  // the median
  lam[3u * i + 2u] = hi;
}
