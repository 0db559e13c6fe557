// Elementwise unary functions, one pipeline per function (override OP).
// x: [n] f32, y: [n] f32. Codes match UNARY_CODES in src/ops/unary.ts.
// Entry `scaled` computes y = f(x) * s: a derivative applied to a gradient in one pass.

struct UnaryParams {
  n: u32,
  alpha: f32,
  beta: f32,
}

override WG: u32 = 256;
override OP: u32 = 0;

@group(0) @binding(0) var<uniform> P: UnaryParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;        // [n]
@group(0) @binding(2) var<storage, read_write> y: array<f32>;  // [n]
@group(0) @binding(3) var<storage, read> s: array<f32>;        // [n], entry `scaled` only

const SQRT1_2: f32 = 0.70710678118654752;
const INV_SQRT_2PI: f32 = 0.39894228040143268;

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

fn apply(v: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }                                    // neg
    case 1u: { return exp(v); }                                // exp
    case 2u: { return log(v); }                                // log
    case 3u: { return sqrt(v); }                               // sqrt
    case 4u: { return v * v; }                                 // square
    case 5u: { return v * phi_cdf(v); }                        // gelu (exact, erf form)
    case 6u: { return tanh(v); }                               // tanh
    case 7u: { return max(v, 0.0); }                           // relu
    case 8u: { return 1.0 / v; }                               // reciprocal
    case 9u: { return select(0.0, 1.0, v > 0.0); }             // step (relu derivative)
    case 10u: { return phi_cdf(v) + v * INV_SQRT_2PI * exp(-0.5 * v * v); } // gelu_grad
    case 11u: { return P.alpha * v + P.beta; }                 // affine
    case 12u: { return pow_signed(v, P.alpha); }               // pow_scalar
    case 13u: { return sin_quadrant(v, 0); }                   // sin
    case 14u: { return sin_quadrant(v, 1); }                   // cos = sin(v + pi/2)
    default: { return v; }
  }
}

// x^p for real p; negative bases only for integer p (as in PyTorch), NaN otherwise.
fn pow_signed(v: f32, p: f32) -> f32 {
  if (p == 0.0) { return 1.0; }
  if (v >= 0.0) { return pow(v, p); }
  if (p != floor(p)) {
    var nan_bits = 0x7fc00000u;  // a var, not a constant: WGSL rejects NaN in constant expressions
    return bitcast<f32>(nan_bits);
  }
  let m = pow(-v, p);
  return select(m, -m, (i32(p) & 1) == 1);
}

// sin(v + shift * pi/2), shift in {0, 1}. The builtin sin/cos only promise an absolute error of
// 2^-11 on [-pi, pi] and nothing outside it, so: Cody-Waite reduction v = q pi/2 + r with pi/2 in
// three parts (the first exact for |q| < 2^16), then Cephes' sinf/cosf polynomials on
// |r| <= pi/4. Measured absolute error: 1e-7 for |v| <= 300, 5e-7 up to 3e4, 4e-6 at 3e5 (as q
// grows, r loses bits).
fn sin_quadrant(v: f32, shift: i32) -> f32 {
  let q = round(v * 0.63661977236758134);
  let r = ((v - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3
        + z * 2.443315711809948e-5));
  switch ((i32(q) + shift) & 3) {
    case 0: { return s; }
    case 1: { return c; }
    case 2: { return -s; }
    default: { return -c; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  y[i] = apply(x[i]);
}

@compute @workgroup_size(WG)
fn scaled(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  y[i] = apply(x[i]) * s[i];
}
