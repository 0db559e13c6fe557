// Rank n <= 2048 scores, descending, ties broken by the lower index, so the order is a
// deterministic total order: each score gets one invocation that counts the scores ranked before
// it (n^2 comparisons, at most 4M: microseconds on a GPU, no barrier, no atomics). A bitonic sort
// in workgroup memory was tried: SwiftShader took 40-60 s to compile its barrier loops.
// NaN scores sort last, below -infinity. Two outputs (src/ops/topk.ts): `argsort` writes the order
// (out[r] = the index ranked r) as i32; `centred_ranks` writes out[i] = rank(i) / (n - 1) - 0.5
// as f32 (the worst -0.5, the best +0.5; 0 when n = 1), with rank 0 the worst.

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: TopkParams;  // struct generated from topkParams (src/ops/topk.ts)
@group(0) @binding(1) var<storage, read> x: array<u32>;  // [n] f32 scores, read as their bits
@group(0) @binding(2) var<storage, read_write> out: array<u32>;  // [n] i32 order or f32 ranks (bits)

// f32 bits -> u32 with the same order (negatives flipped, positives above them); NaN -> 0, the
// bottom, below -inf (0x007fffff). Integers, because WGSL lets an implementation assume no NaN.
fn sort_key(b: u32) -> u32 {
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 0u; }
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

// rank(i) = the number of scores that go before score i.
fn rank_of(i: u32) -> u32 {
  let ki = sort_key(x[i]);
  var r = 0u;
  for (var j = 0u; j < P.n; j++) {
    let kj = sort_key(x[j]);
    r += select(0u, 1u, kj > ki || (kj == ki && j < i));
  }
  return r;
}

@compute @workgroup_size(WG)
fn argsort(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= P.n) { return; }
  out[rank_of(i)] = i;
}

@compute @workgroup_size(WG)
fn centred_ranks(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= P.n) { return; }
  let r = rank_of(i);
  var u = 0.0;
  if (P.n > 1u) { u = f32(P.n - 1u - r) / f32(P.n - 1u) - 0.5; }
  out[i] = bitcast<u32>(u);
}
