// Element k of a uniform array of up to 8 values packed four to a vec4: uniform arrays need a
// 16-byte stride, so UniformLayout's { vec4: 'u32', length: 8 } fields arrive as
// array<vec4<u32>, 2> (and { vec4: 'i32', ... } as array<vec4<i32>, 2>).

fn at(v: array<vec4<u32>, 2>, k: u32) -> u32 {
  return v[k / 4u][k % 4u];
}

fn ati(v: array<vec4<i32>, 2>, k: u32) -> i32 {
  return v[k / 4u][k % 4u];
}
