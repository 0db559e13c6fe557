// Convolution weight gradient, workgroup lowering (GPUs): dw[o, c, p, q] = sum over b, i, j of
// y[b, o, i, j] * xpad[b, c, i*s + p - pad, j*s + q - pad], padding per MODE.
//
// One workgroup per weight row (o, c, p): thread t sums the output positions n = t, t + WG, ...
// of the B * Ho * Wo it is given (neighbouring threads read neighbouring pixels), for all k taps
// q at once (k <= KMAX), then the workgroup adds its WG partial sums by a fixed tree in workgroup
// memory. No atomics: the summation order depends only on the shapes, so the bits repeat.

// #include lib/conv_pad.wgsl

override WG: u32 = 256;
override MODE: u32 = PAD_ZEROS;
const KMAX: u32 = 8u;

@group(0) @binding(0) var<uniform> P: ConvParams;  // struct generated from convParams (src/ops/conv_lower.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // [B, Cin, H, W]
@group(0) @binding(2) var<storage, read> y: array<f32>;          // [B, Cout, Ho, Wo] (the output gradient)
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;   // [Cout, Cin, k, k]

var<workgroup> part: array<f32, 2048>;  // [WG, KMAX] partial sums

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid.x;
  let row = wid.x + wid.y * 65535u;  // (o * Cin + c) * k + p; grids past 65535 rows fold into y
  let p = row % P.k;
  let c = row / P.k % P.cin;
  let o = row / (P.k * P.cin);
  var acc: array<f32, KMAX>;
  let plane = P.ho * P.wo;
  if (o < P.cout) {
    for (var n = t; n < P.batch * plane; n += WG) {
      let j = n % P.wo;
      let i = n / P.wo % P.ho;
      let bb = n / plane;
      let r = pad_index(i32(i * P.stride + p) - i32(P.pad), i32(P.h));
      if (r < 0) { continue; }
      let g = y[(bb * P.cout + o) * plane + i * P.wo + j];
      let xrow = ((bb * P.cin + c) * P.h + u32(r)) * P.w;
      for (var q = 0u; q < P.k; q++) {
        let s = pad_index(i32(j * P.stride + q) - i32(P.pad), i32(P.w));
        if (s >= 0) { acc[q] += g * x[xrow + u32(s)]; }
      }
    }
  }
  for (var q = 0u; q < KMAX; q++) { part[t * KMAX + q] = acc[q]; }
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) {
      for (var q = 0u; q < KMAX; q++) { part[t * KMAX + q] += part[(t + half) * KMAX + q]; }
    }
    workgroupBarrier();
  }
  if (t < P.k && o < P.cout) { dw[row * P.k + t] = part[t]; }
}
