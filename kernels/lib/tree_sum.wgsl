// Workgroup sum by a tree in workgroup memory (fixed order, so deterministic). Needs the kernel's
// `override WG: u32` (a power of two) and `var<workgroup> partial: array<f32, WG>`.

// The sum over the workgroup of every thread's v, returned to all of them.
fn tree_sum(t: u32, v: f32) -> f32 {
  partial[t] = v;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h /= 2u) {
    if (t < h) { partial[t] += partial[t + h]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();  // every thread has read the total before partial is reused
  return total;
}
