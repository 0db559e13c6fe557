// The per-field scalars of the batched conjugate gradient of kernels/darcy.wgsl (solver:
// src/pde/darcy.ts). One workgroup per field b adds up its strip sums part[b, strips, s] with a
// shared-memory tree (fixed order, no atomics: the same bits on every run) and updates
// S[SCALARS b + k], k = RZ, RR (r.z and r.r), BB (b.b), ALPHA, BETA, ITERS, PQ (p.Ap), ACTIVE
// (slots generated from SLOT in src/pde/darcy_passes.ts, which the host reads back).
// A field stops (ACTIVE = 0, then alpha = beta = 0: x and r stay put) when r.r <= tol2 b.b or
// after max_iter iterations, so its result depends neither on the batch nor on when the host
// looks at S.

override WG: u32 = 256;  // a power of two (the tree)

@group(0) @binding(0) var<uniform> P: DarcyParams;  // struct generated from darcyParams (src/pde/darcy_passes.ts)
@group(0) @binding(1) var<storage, read> part: array<vec2f>;  // [B, strips, s]: strip sums
@group(0) @binding(2) var<storage, read_write> S: array<f32>; // [B, SCALARS]: scalars

var<workgroup> tree: array<vec2f, WG>;

// The tree sum of field b's strip sums (called by the whole workgroup; b is uniform).
fn field_sum(b: u32, t: u32) -> vec2f {
  let count = P.strips * P.s;
  var acc = vec2f(0.0);
  for (var k = t; k < count; k += WG) {
    acc += part[b * count + k];
  }
  tree[t] = acc;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h /= 2u) {
    if (t < h) {
      tree[t] += tree[t + h];
    }
    workgroupBarrier();
  }
  return tree[0];
}

// After setup and a first `update` (alpha = 0, S cleared by the host): r.z, r.r = b.b, start.
@compute @workgroup_size(WG)
fn begin(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) t: u32,
) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let sums = field_sum(b, t);
  if (t == 0u) {
    let o = b * SCALARS;
    S[o + RZ] = sums.x;
    S[o + RR] = sums.y;
    S[o + BB] = sums.y;
    S[o + ACTIVE] = select(0.0, 1.0, sums.y > P.tol2 * sums.y && P.max_iter > 0u);
  }
}

// After `apply`: alpha = r.z / p.Ap while the field is active.
@compute @workgroup_size(WG)
fn finish_alpha(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) t: u32,
) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let pq = field_sum(b, t).x;
  if (t == 0u) {
    let o = b * SCALARS;
    S[o + PQ] = pq;
    S[o + ALPHA] = select(0.0, S[o + RZ] / pq, S[o + ACTIVE] > 0.0);
  }
}

// After `update`: beta = r.z (new) / r.z (old), the iteration count and the stopping test.
@compute @workgroup_size(WG)
fn finish_beta(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) t: u32,
) {
  let b = wid.x + wid.y * nwg.x;
  if (b >= P.batch) { return; }
  let sums = field_sum(b, t);
  if (t == 0u) {
    let o = b * SCALARS;
    if (S[o + ACTIVE] > 0.0) {
      let iters = S[o + ITERS] + 1.0;
      S[o + BETA] = sums.x / S[o + RZ];
      S[o + RZ] = sums.x;
      S[o + RR] = sums.y;
      S[o + ITERS] = iters;
      let more = sums.y > P.tol2 * S[o + BB] && iters < f32(P.max_iter);
      S[o + ACTIVE] = select(0.0, 1.0, more);
    } else {
      S[o + BETA] = 0.0;
    }
  }
}
