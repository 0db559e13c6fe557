// FFT along one axis of a row-major tensor, by strides: a tensor is [outer, L, inner] around the
// transformed axis of length L, and line (o, s) is elements (o * L + j) * inner + s, j < L.
// complex64 is interleaved (re, im) f32 pairs. Sign convention (numpy/torch): the forward transform
// uses e^{-2 pi i jk/N}, the inverse e^{+2 pi i jk/N}; P.scale carries the norm.
//
// Entry points (one pipeline each), all sharing FftParams and the load/store helpers:
//  main         one Stockham autosort pass of radix R (Govindaraju et al., "High performance
//               discrete Fourier transforms on graphics processors", SC 2008): thread (line, j)
//               reads v[r] = src[j + r N/R], twiddles by w^{r (j mod ns)} (w = e^{-+2 pi i/(ns R)}),
//               does a size-R DFT and writes dst[(j - j mod ns) R + j mod ns + r ns]. One dispatch per
//               radix of N; after the last pass the output is in natural order.
//  whole        the whole transform of per_group lines in workgroup memory: one global read through
//               LOAD, the `stages` passes radix[0..] between two workgroup arrays, one write through STORE.
//  lane         the whole transform of one line per invocation, in private memory (len <= LANE_MAX):
//               the same passes with no workgroup memory and no barriers. For CPU adapters
//               (SwiftShader), where barriers and workgroup memory are slow and private arrays are not.
//  chirp_table  Bluestein: b[m] = e^{+-i pi m^2/N} for |m| < N, wrapped into a zero length-M array.
//  chirp_pre    Bluestein: a[line, j] = x[j] e^{-+i pi j^2/N} (j < N), 0 up to M (contiguous lines).
//  chirp_mul    Bluestein: pointwise product with the transformed chirp table, times P.scale.
//  chirp_post   Bluestein: X[k] = e^{-+i pi k^2/N} conv[line, k], stored through the store mode.
// The first pass and chirp_pre read through LOAD; the last pass and chirp_post write through STORE.

// #include lib/thread_index.wgsl
// #include lib/complex_mul.wgsl

override WG: u32 = 256;
override R: u32 = 2;      // radix of a pass: 1 (N = 1), 2, 3, 4, 5 or 7
// The LOAD_*, STORE_* and WEIGHT_* codes and LANE_MAX are generated from src/ops/fft_plan.ts.
// LOAD_COMPLEX complex64; LOAD_REAL f32 (imaginary part 0); LOAD_HALF half spectrum of a real signal.
override LOAD: u32 = LOAD_COMPLEX;
// STORE_COMPLEX complex64; STORE_REAL f32 real part only.
override STORE: u32 = STORE_COMPLEX;
// WEIGHT_HALVE: halve interior bins on a half-spectrum load; WEIGHT_DOUBLE: double them on store.
override WEIGHT: u32 = WEIGHT_NONE;
override SMEM: u32 = 1024; // shared: complex elements per workgroup array (per_group * len <= SMEM)

@group(0) @binding(0) var<uniform> P: FftParams;  // struct generated from fftParams (src/ops/fft_plan.ts)
@group(0) @binding(1) var<storage, read> src: array<f32>;          // [outer, in_len, inner] (f32 or complex64)
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;    // [outer, out_len, inner] (f32 or complex64)
@group(0) @binding(3) var<storage, read> tab: array<vec2f>;        // chirp_mul only: [len] complex64

// (cos t, sin t) for t = 2 pi k / m, integers k < m < 2^29. The angle is reduced exactly in
// integers to a quarter turn q plus x in [-pi/4, pi/4], then Taylor polynomials (error below f32
// rounding there): WGSL promises only 2^-11 absolute error for sin/cos, too coarse for an FFT.
fn expi(k: u32, m: u32) -> vec2f {
  let q = (4u * k + m / 2u) / m;
  let x = 1.5707963267948966 * f32(i32(4u * k) - i32(q * m)) / f32(m);
  let x2 = x * x;
  let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 / 362880.0))));
  let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 - x2 / 3628800.0))));
  switch (q & 3u) {
    case 0u: { return vec2f(c, s); }
    case 1u: { return vec2f(-s, c); }
    case 2u: { return vec2f(-c, -s); }
    default: { return vec2f(s, -c); }
  }
}

// e^{sign 2 pi i k/m} with sign -1 forward, +1 inverse.
fn twiddle(k: u32, m: u32) -> vec2f {
  let e = expi(k, m);
  return select(vec2f(e.x, -e.y), e, P.inverse == 1u);
}

// Interior bins of a half spectrum of length n (not DC, not the Nyquist bin of even n).
fn interior(k: u32, n: u32) -> bool {
  return k != 0u && 2u * k != n;
}

// Element j of line (o, s) of src. LOAD_HALF rebuilds bin j of the full spectrum of a real signal of
// length n_real from bins 0..n_real/2 (torch irfft: bins >= in_len are 0, imaginary parts of DC and
// Nyquist ignored, bin j > n/2 is conj(bin n - j)).
fn load(o: u32, s: u32, j: u32) -> vec2f {
  var idx = j;
  if (LOAD == LOAD_HALF && 2u * j > P.n_real) { idx = P.n_real - j; }
  if (idx >= P.in_len) { return vec2f(0.0); }
  let a = (o * P.in_len + idx) * P.inner + s;
  if (LOAD == LOAD_REAL) { return vec2f(src[a], 0.0); }
  var v = vec2f(src[2u * a], src[2u * a + 1u]);
  if (LOAD == LOAD_HALF) {
    if (!interior(idx, P.n_real)) { v.y = 0.0; } else if (WEIGHT == WEIGHT_HALVE) { v *= 0.5; }
    if (idx != j) { v.y = -v.y; }
  }
  return v;
}

// Element k of line (o, s) of dst; k >= out_len is dropped (pruned bins).
fn store(o: u32, s: u32, k: u32, v: vec2f) {
  if (k >= P.out_len) { return; }
  let a = (o * P.out_len + k) * P.inner + s;
  if (STORE == STORE_REAL) {
    dst[a] = v.x;
    return;
  }
  var u = v;
  if (WEIGHT == WEIGHT_DOUBLE && interior(k, P.n_real)) { u *= 2.0; }
  dst[2u * a] = u.x;
  dst[2u * a + 1u] = u.y;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let span = P.len / R;
  if (t >= P.lines * span) { return; }
  // inner position fastest (coalesced along middle axes), then j, then outer.
  let s = t % P.inner;
  let j = (t / P.inner) % span;
  let o = t / (P.inner * span);
  let k = j % P.ns;
  var v: array<vec2f, 8>;
  for (var r = 0u; r < R; r++) {
    v[r] = cmul(load(o, s, j + r * span), twiddle(r * k, P.ns * R));
  }
  var w: array<vec2f, 8>;
  for (var m = 0u; m < R; m++) { w[m] = twiddle(m, R); }
  let base = (j - k) * R + k;
  for (var q = 0u; q < R; q++) {
    var acc = vec2f(0.0);
    for (var r = 0u; r < R; r++) { acc += cmul(v[r], w[(r * q) % R]); }
    store(o, s, base + q * P.ns, acc * P.scale);
  }
}

var<workgroup> ping: array<vec2f, SMEM>;
var<workgroup> pong: array<vec2f, SMEM>;

// One radix-r Stockham pass over per_group lines of length len, between the workgroup arrays.
fn shared_pass(lid: u32, r: u32, ns: u32, forward_to_pong: bool) {
  let span = P.len / r;
  var w: array<vec2f, 8>;
  for (var m = 0u; m < r; m++) { w[m] = twiddle(m, r); }
  for (var u = lid; u < P.per_group * span; u += WG) {
    let line = (u / span) * P.len;
    let j = u % span;
    let k = j % ns;
    var v: array<vec2f, 8>;
    for (var i = 0u; i < r; i++) {
      let x = select(pong[line + j + i * span], ping[line + j + i * span], forward_to_pong);
      v[i] = cmul(x, twiddle(i * k, ns * r));
    }
    let base = line + (j - k) * r + k;
    for (var q = 0u; q < r; q++) {
      var acc = vec2f(0.0);
      for (var i = 0u; i < r; i++) { acc += cmul(v[i], w[(i * q) % r]); }
      if (forward_to_pong) { pong[base + q * ns] = acc; } else { ping[base + q * ns] = acc; }
    }
  }
}

@compute @workgroup_size(WG)
fn whole(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u,
          @builtin(num_workgroups) nwg: vec3u) {
  let first = (wid.x + wid.y * nwg.x) * P.per_group;
  let count = P.per_group * P.len;
  // Global traffic: the line index varies fastest across threads (coalesced along middle axes).
  for (var e = lid; e < count; e += WG) {
    let b = e % P.per_group;
    let line = first + b;
    var v = vec2f(0.0);
    if (line < P.lines) { v = load(line / P.inner, line % P.inner, e / P.per_group); }
    ping[b * P.len + e / P.per_group] = v;
  }
  var ns = 1u;
  for (var st = 0u; st < P.stages; st++) {
    workgroupBarrier();
    let r = P.radix[st / 4u][st % 4u];
    shared_pass(lid, r, ns, st % 2u == 0u);
    ns *= r;
  }
  workgroupBarrier();
  let done_in_pong = P.stages % 2u == 1u;
  for (var e = lid; e < count; e += WG) {
    let b = e % P.per_group;
    let line = first + b;
    let j = e / P.per_group;
    let v = select(ping[b * P.len + j], pong[b * P.len + j], done_in_pong);
    if (line < P.lines) { store(line / P.inner, line % P.inner, j, v * P.scale); }
  }
}

// A line of the lane kernel in private memory (LANE_MAX from src/ops/fft_plan.ts).
alias Line = array<vec2f, LANE_MAX>;

// (v1 - v3) times w^1 of a radix-4 DFT: -i (forward) or +i (inverse).
fn rot4(d: vec2f) -> vec2f {
  return select(vec2f(d.y, -d.x), vec2f(-d.y, d.x), P.inverse == 1u);
}

// One radix-r Stockham pass over a line of P.len in private memory, x -> y (as shared_pass).
fn lane_pass(x: ptr<function, Line>, y: ptr<function, Line>, r: u32, ns: u32) {
  let span = P.len / r;
  if (r == 4u) {
    for (var j = 0u; j < span; j++) {
      let k = j % ns;
      let v0 = (*x)[j];
      let v1 = cmul((*x)[j + span], twiddle(k, 4u * ns));
      let v2 = cmul((*x)[j + 2u * span], twiddle(2u * k, 4u * ns));
      let v3 = cmul((*x)[j + 3u * span], twiddle(3u * k, 4u * ns));
      let s02 = v0 + v2;
      let d02 = v0 - v2;
      let s13 = v1 + v3;
      let d13 = rot4(v1 - v3);
      let base = (j - k) * 4u + k;
      (*y)[base] = s02 + s13;
      (*y)[base + ns] = d02 + d13;
      (*y)[base + 2u * ns] = s02 - s13;
      (*y)[base + 3u * ns] = d02 - d13;
    }
    return;
  }
  var w: array<vec2f, 8>;
  for (var m = 0u; m < r; m++) { w[m] = twiddle(m, r); }
  for (var j = 0u; j < span; j++) {
    let k = j % ns;
    var v: array<vec2f, 8>;
    for (var i = 0u; i < r; i++) { v[i] = cmul((*x)[j + i * span], twiddle(i * k, ns * r)); }
    let base = (j - k) * r + k;
    for (var q = 0u; q < r; q++) {
      var acc = vec2f(0.0);
      for (var i = 0u; i < r; i++) { acc += cmul(v[i], w[(i * q) % r]); }
      (*y)[base + q * ns] = acc;
    }
  }
}

@compute @workgroup_size(WG)
fn lane(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let line = thread_index(gid, nwg);
  if (line >= P.lines) { return; }
  let o = line / P.inner;
  let s = line % P.inner;
  var a: Line;
  var b: Line;
  for (var j = 0u; j < P.len; j++) { a[j] = load(o, s, j); }
  var ns = 1u;
  for (var st = 0u; st < P.stages; st++) {
    let r = P.radix[st / 4u][st % 4u];
    if (st % 2u == 0u) { lane_pass(&a, &b, r, ns); } else { lane_pass(&b, &a, r, ns); }
    ns *= r;
  }
  let in_b = P.stages % 2u == 1u;
  for (var k = 0u; k < min(P.len, P.out_len); k++) {
    store(o, s, k, select(a[k], b[k], in_b) * P.scale);
  }
}

// Bluestein chirp e^{-+ i pi j^2 / N} (the conjugate of the table's), from (j^2 mod 2N) exactly.
fn chirp(j: u32) -> vec2f {
  let n2 = 2u * P.chirp_n;
  let jm = j % n2;
  let e = twiddle((jm * jm) % n2, n2);
  return e;
}

@compute @workgroup_size(WG)
fn chirp_table(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let m = thread_index(gid, nwg);
  _ = src[0];
  if (m >= P.len) { return; }
  var v = vec2f(0.0);
  if (m < P.chirp_n) { v = chirp(m); }
  if (m > P.len - P.chirp_n) { v = chirp(P.len - m); }
  let c = vec2f(v.x, -v.y);
  dst[2u * m] = c.x;
  dst[2u * m + 1u] = c.y;
}

@compute @workgroup_size(WG)
fn chirp_pre(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.lines * P.len) { return; }
  let j = t % P.len;
  let line = t / P.len;
  var v = vec2f(0.0);
  if (j < P.chirp_n) { v = cmul(load(line / P.inner, line % P.inner, j), chirp(j)); }
  dst[2u * t] = v.x;
  dst[2u * t + 1u] = v.y;
}

@compute @workgroup_size(WG)
fn chirp_mul(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.lines * P.len) { return; }
  let v = cmul(vec2f(src[2u * t], src[2u * t + 1u]), tab[t % P.len]) * P.scale;
  dst[2u * t] = v.x;
  dst[2u * t + 1u] = v.y;
}

@compute @workgroup_size(WG)
fn chirp_post(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.lines * P.out_len) { return; }
  let k = t % P.out_len;
  let line = t / P.out_len;
  let a = line * P.len + k;
  let v = cmul(vec2f(src[2u * a], src[2u * a + 1u]), chirp(k));
  store(line / P.inner, line % P.inner, k, v * P.scale);
}
