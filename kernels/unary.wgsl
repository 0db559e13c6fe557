// Elementwise unary functions, one pipeline per function (override OP).
// x: [n] f32, y: [n] f32. The OP_* codes are generated from UNARY_CODES in src/ops/unary.ts.
// Entry `scaled` computes y = f(x) * s: a derivative applied to a gradient in one pass.

// #include lib/thread_index.wgsl
// #include lib/gelu.wgsl
// #include lib/pow_signed.wgsl

override WG: u32 = 256;
override OP: u32 = 0;

@group(0) @binding(0) var<uniform> P: UnaryParams;  // struct generated from unaryParams (src/ops/unary.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;        // [n]
@group(0) @binding(2) var<storage, read_write> y: array<f32>;  // [n]
@group(0) @binding(3) var<storage, read> s: array<f32>;        // [n], entry `scaled` only

const INV_SQRT_2PI: f32 = 0.39894228040143268;

fn apply(v: f32) -> f32 {
  switch OP {
    case OP_NEG: { return -v; }
    case OP_EXP: { return exp(v); }
    case OP_LOG: { return log(v); }
    case OP_SQRT: { return sqrt(v); }
    case OP_SQUARE: { return v * v; }
    case OP_GELU: { return gelu(v); }                                  // exact, erf form
    case OP_TANH: { return tanh(v); }
    case OP_RELU: { return max(v, 0.0); }
    case OP_RECIPROCAL: { return 1.0 / v; }
    case OP_STEP: { return select(0.0, 1.0, v > 0.0); }                // relu derivative
    case OP_GELU_GRAD: { return phi_cdf(v) + v * INV_SQRT_2PI * exp(-0.5 * v * v); }
    case OP_AFFINE: { return P.alpha * v + P.beta; }
    case OP_POW_SCALAR: { return pow_signed(v, P.alpha); }
    case OP_SIN: { return sin_quadrant(v, 0); }
    case OP_COS: { return sin_quadrant(v, 1); }                        // sin(v + pi/2)
    case OP_SIGMOID: { return sigmoid(v); }
    default: { return v; }
  }
}

// 1 / (1 + e^-v) through e^-|v| <= 1, so neither side overflows (e^-v alone is inf for v < -88).
fn sigmoid(v: f32) -> f32 {
  let e = exp(-abs(v));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
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
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  y[i] = apply(x[i]);
}

@compute @workgroup_size(WG)
fn scaled(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  y[i] = apply(x[i]) * s[i];
}
