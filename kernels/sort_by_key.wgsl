// Stable sort of (key, value) u32 pairs by key, and segment bounds of sorted keys
// (src/geometry/sort.ts). No atomics, so the result is the same on every run and every device.
//   merge   one pass of a bottom-up merge sort: runs of `width` sorted pairs are merged in pairs.
//           Every invocation places one element: its position in the merged run is its position
//           in its own run plus its rank in the other run, found by binary search. Ties go to the
//           left run (strict rank from the left, inclusive rank from the right), so equal keys
//           keep their input order: the sort is stable. With iota = 1 the values read are the
//           positions 0..n-1 (the first pass of a sort that returns a permutation).
//   bounds  splits[s] = the first position whose key is >= s, for s in 0..segments: the CSR row
//           splits of keys sorted ascending and all < segments (splits[segments] = n).
//   rows_of  the inverse: with keys_in = the row splits [n = rows + 1] of a CSR with `segments`
//           entries, splits[e] = the row of entry e, for e in 0..segments-1.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: SortParams;  // struct generated from sortParams (src/geometry/primitives.ts)
@group(0) @binding(1) var<storage, read> keys_in: array<u32>;         // [n] runs of `width` sorted keys
@group(0) @binding(2) var<storage, read> vals_in: array<u32>;         // merge: [n] (unused when iota = 1)
@group(0) @binding(3) var<storage, read_write> keys_out: array<u32>;  // merge: [n]
@group(0) @binding(4) var<storage, read_write> vals_out: array<u32>;  // merge: [n]
@group(0) @binding(2) var<storage, read_write> splits: array<u32>;    // bounds: [segments + 1]; rows_of: [segments]

// The first position in keys_in[lo, hi) whose key is > key (inclusive) or >= key (!inclusive).
fn search(lo: u32, hi: u32, key: u32, inclusive: bool) -> u32 {
  var a = lo;
  var b = hi;
  while (a < b) {
    let mid = a + (b - a) / 2u;
    let k = keys_in[mid];
    if (k < key || (inclusive && k == key)) {
      a = mid + 1u;
    } else {
      b = mid;
    }
  }
  return a;
}

@compute @workgroup_size(WG)
fn merge(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let w = P.width;
  let run = i / w;
  let base = (run / 2u) * 2u * w;
  let key = keys_in[i];
  var value = i;
  if (P.iota == 0u) { value = vals_in[i]; }
  var pos: u32;
  if (run % 2u == 0u) {
    let right = min(base + w, P.n);
    pos = i + (search(right, min(base + 2u * w, P.n), key, false) - right);
  } else {
    pos = (i - w) + (search(base, base + w, key, true) - base);
  }
  keys_out[pos] = key;
  vals_out[pos] = value;
}

@compute @workgroup_size(WG)
fn bounds(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = thread_index(gid, nwg);
  if (s > P.segments) { return; }
  splits[s] = search(0u, P.n, s, false);
}

@compute @workgroup_size(WG)
fn rows_of(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = thread_index(gid, nwg);
  if (e >= P.segments) { return; }
  splits[e] = search(0u, P.n, e, true) - 1u;
}
