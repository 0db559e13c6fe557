// Strided copy, the kernel of permute and broadcast_to: out[i] = x[sum_k coord_k(i) * strides[k]],
// where coord(i) is the row-major coordinate of element i in an array of shape P.shape.
// permute passes the input's strides in output-axis order; broadcast_to passes 0 along stretched axes.
// An element is W f32 words (W = 2 for complex64, interleaved re, im); strides count elements.

// #include lib/thread_index.wgsl
// #include lib/packed.wgsl

override WG: u32 = 256;
override RANK: u32 = 1;  // axes of the (coalesced) index walk, 1..8: a constant loop bound
override W: u32 = 1;

@group(0) @binding(0) var<uniform> P: StridedCopyParams;  // struct generated from stridedCopyParams (src/ops/layout.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // input, any layout the strides describe; W words per element
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [n * W], row-major with shape P.shape (rank <= 8)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  var rem = i;
  var src = 0u;
  for (var k = i32(RANK) - 1; k >= 0; k--) {
    let d = at(P.shape, u32(k));
    src += (rem % d) * at(P.strides, u32(k));
    rem = rem / d;
  }
  for (var c = 0u; c < W; c++) {
    out[i * W + c] = x[src * W + c];
  }
}
