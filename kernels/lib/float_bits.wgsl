// Float classes by their bits. WGSL lets an implementation assume that no value is NaN or
// infinite (spec, "Floating Point Evaluation"), so a test such as x != x may be folded away;
// integer tests of the bit pattern may not.

fn f32_is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn f32_is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) < 0x7f800000u;
}

fn f32_sign_bit(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x80000000u) != 0u;
}

// NaN and +infinity come from a var, not a constant: WGSL rejects them in constant expressions.
fn f32_nan() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}

fn f32_inf() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}
