// Philox 4x32-10 (Salmon et al., SC11) and its conversions to uniform and normal f32, bit for bit
// the same as src/random_philox.ts (see there for the conventions). Everything is u32/i32
// arithmetic, exact on every implementation, up to one correctly rounded f32 multiplication:
// no log, sqrt, sin or cos built-in, whose accuracy WGSL leaves to the GPU.

fn philox_mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = ((a0 * b0) >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}

// Four random words of counter `c` under key `k` (10 rounds, the key bumped after each).
fn philox4x32_10(c_in: vec4u, k_in: vec2u) -> vec4u {
  var c = c_in;
  var k = k_in;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = philox_mulhi(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = philox_mulhi(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2u(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

// The block holding element `index` of stream `key`: counter (index / 4, 0, 0, 0).
fn philox_block(key: vec2u, index: u32) -> vec4u {
  return philox4x32_10(vec4u(index >> 2u, 0u, 0u, 0u), key);
}

// [0, 1), 24 bits.
fn philox_to_uniform(bits: u32) -> f32 {
  return f32(bits >> 8u) * 5.9604644775390625e-8; // 2^-24
}

// -log2((a | 1) / 2^32) with 24 fractional bits, by repeated squaring of the Q31 mantissa.
fn philox_neg_log2_q24(a: u32) -> u32 {
  let x = a | 1u;
  let e = firstLeadingBit(x);
  var y = x << (31u - e);
  var frac = 0u;
  for (var i = 0u; i < 24u; i++) {
    let hi = philox_mulhi(y, y);
    let bit = select(0u, 1u, hi >= 0x80000000u);
    y = select((hi << 1u) | ((y * y) >> 31u), hi, bit == 1u);
    frac = (frac << 1u) | bit;
  }
  return ((32u - e) << 24u) - frac;
}

// floor(sqrt(w)), bit by bit.
fn philox_isqrt(w_in: u32) -> u32 {
  var w = w_in;
  var res = 0u;
  var bit = 1u << 30u;
  for (var i = 0u; i < 16u; i++) {
    let t = res + bit;
    if (w >= t) {
      w -= t;
      res = (res >> 1u) + bit;
    } else {
      res = res >> 1u;
    }
    bit = bit >> 2u;
  }
  return res;
}

// atan(2^-i) in units of 2^-32 turns (CORDIC_ATAN in src/random_philox.ts).
var<private> PHILOX_ATAN: array<i32, 28> = array<i32, 28>(
  536870912, 316933406, 167458907, 85004756, 42667331, 21354465, 10679838, 5340245, 2670163,
  1335087, 667544, 333772, 166886, 83443, 41722, 20861, 10430, 5215, 2608, 1304, 652, 326, 163, 81,
  41, 20, 10, 5);

// (cos, sin) of 2 pi b / 2^32 in Q30: CORDIC on the quarter turn, then the quadrant.
fn philox_cos_sin_q30(b: u32) -> vec2i {
  var x = 652032874i; // the inverse CORDIC gain in Q30
  var y = 0i;
  var z = i32(b & 0x3fffffffu);
  for (var i = 0u; i < 28u; i++) {
    let xs = x >> i;
    let ys = y >> i;
    if (z >= 0i) {
      x -= ys;
      y += xs;
      z -= PHILOX_ATAN[i];
    } else {
      x += ys;
      y -= xs;
      z += PHILOX_ATAN[i];
    }
  }
  switch (b >> 30u) {
    case 0u: { return vec2i(x, y); }
    case 1u: { return vec2i(-y, x); }
    case 2u: { return vec2i(-x, -y); }
    default: { return vec2i(y, -x); }
  }
}

// Box-Muller on the word pair (a, b): r cos(theta), or r sin(theta) when `odd`.
fn philox_to_normal(a: u32, b: u32, odd: bool) -> f32 {
  let r2 = philox_neg_log2_q24(a);
  let v = (philox_mulhi(r2, 2977044472u) << 1u) | ((r2 * 2977044472u) >> 31u); // 2 ln 2, Q31
  let s = countLeadingZeros(v) >> 1u;
  let q = philox_isqrt(v << (2u * s)); // r * 2^(12 + s)
  let cs = philox_cos_sin_q30(b);
  let trig = select(cs.x, cs.y, odd) >> 7u; // Q23: exact in f32
  let scale = bitcast<f32>((127u - 35u - s) << 23u); // 2^-(35 + s)
  return f32(q) * (f32(trig) * scale);
}

// Element `index` of the standard normal stream `key`.
fn philox_normal(key: vec2u, index: u32) -> f32 {
  let w = philox_block(key, index);
  let odd = (index & 1u) == 1u;
  if ((index & 2u) == 0u) { return philox_to_normal(w.x, w.y, odd); }
  return philox_to_normal(w.z, w.w, odd);
}

// Element `index` of the uniform [0, 1) stream `key`.
fn philox_uniform(key: vec2u, index: u32) -> f32 {
  return philox_to_uniform(philox_block(key, index)[index & 3u]);
}
