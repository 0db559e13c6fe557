// Collocation points in the box lo + width * [0, 1)^d from the Philox stream (key0, key1)
// (src/pde/collocation_gpu.ts; its host twin computes the same points). y: [n, d], element
// i = j d + k is axis k of point j. Uniform: u = stream element i. Latin hypercube: axis k of
// point j lies in stratum rank_k(j), the rank of the sort key (stream element n d + k n + j,
// 32 bits, ties broken by j) among the n keys of axis k, a uniformly random permutation; inside
// the stratum at eps + (1 - 2 eps) u, eps = n 2^-22, which keeps the f32 roundings of
// (rank + u') / n inside the stratum. The rank is counted over all n keys: O(n^2 d) work,
// recomputing the keys instead of keeping scratch space (fine for n up to ~10^4).

// #include lib/thread_index.wgsl
// #include lib/philox.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: CollocationParams;  // struct generated from collocationParams
@group(0) @binding(1) var<storage, read_write> y: array<f32>;  // [n, d]

fn philox_word(key: vec2u, index: u32) -> u32 {
  return philox_block(key, index)[index & 3u];
}

fn lhs_rank(key: vec2u, k: u32, j: u32) -> u32 {
  let base = P.n * P.d + k * P.n;
  let mine = philox_word(key, base + j);
  var rank = 0u;
  for (var q = 0u; q < P.n; q++) {
    let other = philox_word(key, base + q);
    if (other < mine || (other == mine && q < j)) { rank++; }
  }
  return rank;
}

@compute @workgroup_size(WG)
fn fill_collocation(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n * P.d) { return; }
  let key = vec2u(P.key0, P.key1);
  let j = i / P.d;
  let k = i - j * P.d;
  var u = philox_uniform(key, i);
  if (P.lhs != 0u) {
    let eps = f32(P.n) * 2.384185791015625e-7;  // n 2^-22
    let inner = eps + (1.0 - 2.0 * eps) * u;
    u = (f32(lhs_rank(key, k, j)) + inner) / f32(P.n);
  }
  y[i] = P.lo[k / 4u][k % 4u] + P.width[k / 4u][k % 4u] * u;
}
