// Staging of keys and values for the workgroup attention kernels (kernels/attention.wgsl,
// kernels/attention_dq.wgsl). Needs the kernel's `P: AttentionParams`, its k and v bindings, WG and
// the workgroup arrays Ks and Vs ([P.tile, D] each).

// Stage keys and values j0 .. j0 + n - 1 of (b, h) into Ks and Vs, all threads of the group.
fn stage(t: u32, b: u32, h: u32, j0: u32, n: u32) {
  for (var e = t; e < n * P.d; e += WG) {
    let at = (b * P.nk + j0 + e / P.d) * P.c + h * P.d + e % P.d;
    Ks[e] = k[at];
    Vs[e] = v[at];
  }
}
