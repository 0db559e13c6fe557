// x^p as torch.pow and the float64 reference powSigned (src/ops/special.ts) compute it, for the
// pow of binary.wgsl and the pow_scalar of unary.wgsl:
//   p == 0            1, for every x (NaN included);
//   x or p NaN        NaN;
//   x < 0             |x|^p for an integer p, negated when p is odd; NaN when p is not an
//                     integer (an infinite p included);
//   x == +-0          +0 for p > 0 and +inf for p < 0, with x's sign when p is an odd integer
//                     (-0^3 = -0, -0^-1 = -inf), as IEEE 754 pow;
//   x > 0             WGSL's pow, exp2(p log2 x).
// WGSL leaves pow undefined for x < 0 and for x == 0 with p <= 0, so those never reach it. An
// integer p is odd when p / 2 is not an integer: every f32 with |p| >= 2^24 is even, and i32(p)
// saturates to the odd 2^31 - 1 above 2^31, so parity never comes from i32(p).
// #include lib/float_bits.wgsl

fn pow_signed(x: f32, p: f32) -> f32 {
  if (p == 0.0) { return 1.0; }
  if (f32_is_nan(x) || f32_is_nan(p)) { return f32_nan(); }
  let integer = f32_is_finite(p) && p == floor(p);
  let odd = integer && floor(0.5 * p) != 0.5 * p;
  if (x == 0.0) {
    let m = select(f32_inf(), 0.0, p > 0.0);
    return select(m, -m, odd && f32_sign_bit(x));
  }
  if (x > 0.0) { return pow(x, p); }
  if (!integer) { return f32_nan(); }
  let m = pow(-x, p);
  return select(m, -m, odd);
}
