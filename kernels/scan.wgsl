// Exclusive prefix sum of u32 counts, deterministic and without atomics (src/geometry/scan.ts).
// Each invocation owns one chunk of CHUNK consecutive elements and walks it serially, so no
// workgroup memory or barriers are needed (cheap on CPU adapters, correct everywhere):
//   reduce  x [n] -> sums [ceil(n / CHUNK)]: the total of each chunk;
//   apply   x [n], offsets [chunks + 1] -> out [n + 1]: out[i] = offsets[chunk] + sum of the
//           chunk's elements before i; the last chunk also writes the grand total to out[n].
// The TS side scans `sums` with the same two kernels (one level per factor of CHUNK) to get the
// offsets; the coarsest level (one chunk) runs `apply` with has_offsets = 0.
// Sums saturate at 0xffffffff instead of wrapping, so an overflowing total is seen as too large
// rather than as a small wrong number.

// #include lib/thread_index.wgsl

override WG: u32 = 256;
override CHUNK: u32 = 64;

@group(0) @binding(0) var<uniform> P: ScanParams;  // struct generated from scanParams (src/geometry/primitives.ts)
@group(0) @binding(1) var<storage, read> x: array<u32>;          // [n]
@group(0) @binding(2) var<storage, read_write> out: array<u32>;  // reduce: [chunks]; apply: [n + 1]
@group(0) @binding(3) var<storage, read> offsets: array<u32>;    // apply: [chunks + 1] (unused when has_offsets = 0)

fn chunks() -> u32 {
  return max(1u, (P.n + CHUNK - 1u) / CHUNK);
}

fn sat_add(a: u32, b: u32) -> u32 {
  let s = a + b;
  return select(s, 0xffffffffu, s < a);
}

@compute @workgroup_size(WG)
fn reduce(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= chunks()) { return; }
  let end = min(P.n, (t + 1u) * CHUNK);
  var s = 0u;
  for (var i = t * CHUNK; i < end; i++) {
    s = sat_add(s, x[i]);
  }
  out[t] = s;
}

@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let c = chunks();
  if (t >= c) { return; }
  var s = 0u;
  if (P.has_offsets == 1u) { s = offsets[t]; }
  let end = min(P.n, (t + 1u) * CHUNK);
  for (var i = t * CHUNK; i < end; i++) {
    out[i] = s;
    s = sat_add(s, x[i]);
  }
  if (t == c - 1u) { out[P.n] = s; }
}
