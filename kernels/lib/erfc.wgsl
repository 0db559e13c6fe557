// erfc and the standard normal CDF, shared by the GELU of unary.wgsl and the fused GELU of
// matmul.wgsl, so both compute the same function to the bit.

const SQRT1_2: f32 = 0.70710678118654752;

// erfc with fractional error below 1.2e-7 everywhere (Chebyshev fit, Numerical Recipes 6.2),
// so the GELU tail for negative x keeps relative accuracy instead of cancelling 1 + erf.
fn erfc_(z: f32) -> f32 {
  let a = abs(z);
  let t = 1.0 / (1.0 + 0.5 * a);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
        + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(-a * a + p);
  return select(2.0 - r, r, z >= 0.0);
}

// Standard normal CDF.
fn phi_cdf(v: f32) -> f32 {
  return 0.5 * erfc_(-v * SQRT1_2);
}
