// The grid work of the batched Jacobi-preconditioned conjugate gradient for the 5-point Darcy
// operator -div(a grad u) = f, u = 0 on the boundary (solver: src/pde/darcy.ts; float64 twin:
// src/pde/darcy_reference.ts; the per-field scalars: kernels/darcy_cg.wgsl).
// Fields are [B, s, s] f32 row-major over nodes (i, j) at (x, y) = (i h, j h), h = 1 / (s - 1).
// Boundary nodes stay in the arrays with r = p = q = 0, so sums over all nodes are sums over the
// unknowns. The system is scaled by h^2: at an interior node (i, j)
//   sum over the 4 faces k of c_k (u_ij - u_k) = h^2 f_ij,
// c_k = the mean of a at the face's two nodes (harmonic 2 a1 a2 / (a1 + a2), or arithmetic).
// Dot products without atomics: a thread sums a strip of strip_len nodes down one column, in
// order, into part[b, strip, j]; darcy_cg.wgsl adds those up with a tree. The slots of S (ALPHA,
// BETA, ...) and SCALARS, its floats per field, are generated from src/pde/darcy_passes.ts.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: DarcyParams;  // struct generated from darcyParams (src/pde/darcy_passes.ts)
@group(0) @binding(1) var<storage, read> inp: array<f32>;          // [2, B, s, s]: a, then f
// coef [B, s, s]: faces to (i+1, j) and (i, j+1), 1/diag, h^2 f
@group(0) @binding(2) var<storage, read_write> coef: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> xr: array<vec2f>;   // [B, s, s]: (x, r)
@group(0) @binding(4) var<storage, read_write> p: array<f32>;      // [B, s, s]: search direction
@group(0) @binding(5) var<storage, read_write> q: array<f32>;      // [B, s, s]: A p
@group(0) @binding(6) var<storage, read_write> part: array<vec2f>; // [B, strips, s]: strip sums
@group(0) @binding(7) var<storage, read> S: array<f32>;            // [B, SCALARS]: per-field scalars (darcy_cg.wgsl)

fn face(a1: f32, a2: f32) -> f32 {
  return select(0.5 * (a1 + a2), 2.0 * a1 * a2 / (a1 + a2), P.harmonic == 1u);
}

fn interior(i: u32, j: u32) -> bool {
  return i > 0u && j > 0u && i + 1u < P.s && j + 1u < P.s;
}

// One thread per node: faces to (i+1, j) and (i, j+1), 1/diag and h^2 f (the last two zero on
// the boundary); x = 0, r = h^2 f, p = q = 0.
@compute @workgroup_size(WG)
fn setup(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let plane = P.s * P.s;
  if (t >= P.batch * plane) { return; }
  let i = (t % plane) / P.s;
  let j = t % P.s;
  let a = inp[t];
  var c = vec4f(0.0);
  if (i + 1u < P.s) { c.x = face(a, inp[t + P.s]); }
  if (j + 1u < P.s) { c.y = face(a, inp[t + 1u]); }
  if (interior(i, j)) {
    // The four faces in the order `apply` adds them (face() is symmetric bit for bit).
    c.z = 1.0 / (c.x + c.y + face(inp[t - P.s], a) + face(inp[t - 1u], a));
    c.w = P.h2 * inp[P.batch * plane + t];
  }
  coef[t] = c;
  xr[t] = vec2f(0.0, c.w);
  p[t] = 0.0;
  q[t] = 0.0;
}

// (b, first row, end row, column j) of strip thread t = (b * strips + strip) * s + j.
fn strip_of(t: u32) -> vec4u {
  let i0 = ((t / P.s) % P.strips) * P.strip_len;
  return vec4u(t / (P.s * P.strips), i0, min(i0 + P.strip_len, P.s), t % P.s);
}

// Strip thread: q = A p down its strip, and the strip's sum of p q.
@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.batch * P.strips * P.s) { return; }
  let st = strip_of(t);
  var sum = 0.0;
  for (var i = st.y; i < st.z; i++) {
    let n = (st.x * P.s + i) * P.s + st.w;
    var qn = 0.0;
    if (interior(i, st.w)) {
      let c = coef[n];
      let cw = coef[n - P.s].x;
      let cn = coef[n - 1u].y;
      qn = (c.x + c.y + cw + cn) * p[n] - c.x * p[n + P.s] - cw * p[n - P.s] - c.y * p[n + 1u]
        - cn * p[n - 1u];
    }
    q[n] = qn;
    sum += p[n] * qn;
  }
  part[t] = vec2f(sum, 0.0);
}

// Strip thread: x += alpha p, r -= alpha q, and the strip sums of r z and r r (z = r / diag).
// Run once right after `setup` (alpha = 0) it gives the starting r.z and r.r.
@compute @workgroup_size(WG)
fn update(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.batch * P.strips * P.s) { return; }
  let st = strip_of(t);
  let alpha = S[st.x * SCALARS + ALPHA];
  var sums = vec2f(0.0);
  for (var i = st.y; i < st.z; i++) {
    let n = (st.x * P.s + i) * P.s + st.w;
    let v = xr[n] + alpha * vec2f(p[n], -q[n]);
    xr[n] = v;
    sums += vec2f(v.y * v.y * coef[n].z, v.y * v.y);
  }
  part[t] = sums;
}

// One thread per node: p = z + beta p.
@compute @workgroup_size(WG)
fn direction(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.batch * P.s * P.s) { return; }
  p[t] = xr[t].y * coef[t].z + S[(t / (P.s * P.s)) * SCALARS + BETA] * p[t];
}
