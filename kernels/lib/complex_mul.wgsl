// Complex products of (re, im) pairs, the complex64 layout of every kernel.

// a * b
fn cmul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

// conj(p) * q
fn cmul_conj(p: vec2f, q: vec2f) -> vec2f {
  return vec2f(p.x * q.x + p.y * q.y, p.x * q.y - p.y * q.x);
}
