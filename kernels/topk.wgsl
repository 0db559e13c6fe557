// Rank n <= 2048 scores, descending, ties broken by the lower index, so the order is a
// deterministic total order. Two lowerings: 'workgroup' sorts in one workgroup (bitonic network in
// workgroup memory, Batcher 1968); 'lane' gives each score one invocation that counts the scores
// ranked before it (n^2 comparisons, no barrier: what CPU implementations run well).
// NaN scores sort last, below -infinity. Two outputs (src/ops/topk.ts): `argsort` writes the order
// (out[r] = the index ranked r) as i32; `centred_ranks` writes out[i] = rank(i) / (n - 1) - 0.5
// as f32 (the worst -0.5, the best +0.5; 0 when n = 1), with rank 0 the worst.

override WG: u32 = 256;
const MAX_N: u32 = 2048u;

@group(0) @binding(0) var<uniform> P: TopkParams;  // struct generated from topkParams (src/ops/topk.ts)
@group(0) @binding(1) var<storage, read> x: array<u32>;  // [n] f32 scores, read as their bits
@group(0) @binding(2) var<storage, read_write> out: array<u32>;  // [n] i32 order or f32 ranks (bits)

var<workgroup> key: array<u32, MAX_N>;  // order-preserving image of the score's bits
var<workgroup> idx: array<u32, MAX_N>;

// Whether entry a goes before entry b: the larger score, then the lower index.
fn before(a: u32, b: u32) -> bool {
  return key[a] > key[b] || (key[a] == key[b] && idx[a] < idx[b]);
}

// f32 bits -> u32 with the same order (negatives flipped, positives above them); NaN -> 0, the
// bottom, below -inf (0x007fffff). Integers, because WGSL lets an implementation assume no NaN.
fn sort_key(b: u32) -> u32 {
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 0u; }
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

fn sort_in_workgroup(t: u32) {
  for (var i = t; i < P.m; i += WG) {
    var k = 0u; // padding: the bottom, after every real entry by index
    if (i < P.n) { k = sort_key(x[i]); }
    key[i] = k;
    idx[i] = i;
  }
  workgroupBarrier();
  for (var k = 2u; k <= P.m; k = k << 1u) {
    for (var j = k >> 1u; j > 0u; j = j >> 1u) {
      for (var i = t; i < P.m; i += WG) {
        let l = i ^ j;
        // Blocks with (i & k) == 0 are put in `before` order, the others reversed.
        if (l > i && select(before(l, i), before(i, l), (i & k) != 0u)) {
          let kt = key[i];
          key[i] = key[l];
          key[l] = kt;
          let it = idx[i];
          idx[i] = idx[l];
          idx[l] = it;
        }
      }
      workgroupBarrier();
    }
  }
}

@compute @workgroup_size(WG)
fn argsort(@builtin(local_invocation_index) t: u32) {
  sort_in_workgroup(t);
  for (var r = t; r < P.n; r += WG) { out[r] = idx[r]; }
}

@compute @workgroup_size(WG)
fn centred_ranks(@builtin(local_invocation_index) t: u32) {
  sort_in_workgroup(t);
  let denom = f32(max(P.n, 2u) - 1u);
  for (var r = t; r < P.n; r += WG) {
    var u = 0.0;
    if (P.n > 1u) { u = f32(P.n - 1u - r) / denom - 0.5; }
    out[idx[r]] = bitcast<u32>(u);
  }
}

// 'lane': rank(i) = the number of scores that go before score i, then the same two outputs.
fn lane_rank(i: u32) -> u32 {
  let ki = sort_key(x[i]);
  var r = 0u;
  for (var j = 0u; j < P.n; j++) {
    let kj = sort_key(x[j]);
    r += select(0u, 1u, kj > ki || (kj == ki && j < i));
  }
  return r;
}

@compute @workgroup_size(WG)
fn argsort_lane(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= P.n) { return; }
  out[lane_rank(i)] = i;
}

@compute @workgroup_size(WG)
fn centred_ranks_lane(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= P.n) { return; }
  let r = lane_rank(i);
  var u = 0.0;
  if (P.n > 1u) { u = f32(P.n - 1u - r) / f32(P.n - 1u) - 0.5; }
  out[i] = bitcast<u32>(u);
}
