// Padding of the convolution kernels (src/ops/conv_reference.ts states the conventions). Needs the
// kernel's `override MODE: u32` and the PAD_* codes generated from PAD_CODES (src/ops/conv_lower.ts).

// Input index read at padded coordinate t of a length-n axis, or -1 where zero padding reads 0.
// Circular needs pad <= n and reflect pad < n (checked on the host), so one wrap or mirror suffices.
fn pad_index(t: i32, n: i32) -> i32 {
  if (t >= 0 && t < n) { return t; }
  if (MODE == PAD_CIRCULAR) { return (t + n) % n; }
  if (MODE == PAD_REFLECT) { return select(2 * n - 2 - t, -t, t < 0); }
  return -1;
}

// The padded coordinates in [-pad, n + pad) that read input index u (pad_index's preimages): u
// itself and, for circular and reflect padding, its copies in the halo. .w counts them (1 to 3).
fn pad_preimages(u: i32, n: i32, pad: i32) -> vec4i {
  var r = vec4i(u, 0, 0, 1);
  if (MODE == PAD_CIRCULAR) {
    if (u < pad) { r[r.w] = u + n; r.w += 1; }
    if (u >= n - pad) { r[r.w] = u - n; r.w += 1; }
  } else if (MODE == PAD_REFLECT) {
    if (u >= 1 && u <= pad) { r[r.w] = -u; r.w += 1; }
    if (u >= n - 1 - pad && u <= n - 2) { r[r.w] = 2 * n - 2 - u; r.w += 1; }
  }
  return r;
}
