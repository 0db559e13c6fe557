// Blocks of four rows for the attention kernels (kernels/attention*.wgsl). Needs the kernel's
// `P: AttentionParams` uniform (row stride P.c).

// Offsets of rows j0 .. j0 + 3 from `o` (row stride C), clamped to the last of n rows, and which of
// the four exist.
fn rows4(o: u32, j0: u32, n: u32) -> vec4u {
  return vec4u(o) + min(vec4u(j0) + vec4u(0u, 1u, 2u, 3u), vec4u(n - 1u)) * P.c;
}
fn live4(j0: u32, n: u32) -> vec4<bool> {
  return vec4u(j0) + vec4u(0u, 1u, 2u, 3u) < vec4u(n);
}
