// 2-D convolution, lane lowering: every invocation computes its outputs straight from global
// memory, no workgroup memory and no barriers (what CPU adapters run fast). Three entries, one per
// op of src/ops/conv.ts, all summing in a fixed order (deterministic, no atomics):
//   forward:     y[b, o, i, j] = sum_{c, p, q} w[o, c, p, q] * xpad[b, c, i*s + p - pad, j*s + q - pad]
//   transpose:   the adjoint in x: x[b, c, u, v] = sum of y[b, o, i, j] * w[o, c, p, q] over every
//                (i, p), (j, q) whose padded coordinate reads (u, v) (halo copies folded back)
//   weight_grad: w[o, c, p, q] = sum_{b, i, j} y[b, o, i, j] * xpad[b, c, i*s + p - pad, j*s + q - pad]
// xpad reads x through pad_index (MODE: zeros, circular or reflect). forward and transpose keep 4
// channels per invocation in registers (OB), so each activation load feeds 4 multiply-adds.

// #include lib/thread_index.wgsl
// #include lib/conv_pad.wgsl

override WG: u32 = 256;
override MODE: u32 = PAD_ZEROS;
const OB: u32 = 4u;

@group(0) @binding(0) var<uniform> P: ConvParams;  // struct generated from convParams (src/ops/conv_lower.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;          // forward, weight_grad: x [B, Cin, H, W]; transpose: y [B, Cout, Ho, Wo]
@group(0) @binding(2) var<storage, read> b: array<f32>;          // forward, transpose: w [Cout, Cin, k, k]; weight_grad: y
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // forward: y; transpose: x; weight_grad: w

// w[o, c, p, q] for OB consecutive o from o0 (clamped to Cout - 1: the extra lanes are not stored).
fn weights(o0: u32, c: u32, pq: u32) -> vec4f {
  let kk = P.k * P.k;
  let last = P.cout - 1u;
  return vec4f(
    b[(min(o0, last) * P.cin + c) * kk + pq],
    b[(min(o0 + 1u, last) * P.cin + c) * kk + pq],
    b[(min(o0 + 2u, last) * P.cin + c) * kk + pq],
    b[(min(o0 + 3u, last) * P.cin + c) * kk + pq],
  );
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let blocks = (P.cout + OB - 1u) / OB;
  let plane = P.ho * P.wo;
  if (t >= P.batch * blocks * plane) { return; }
  let j = t % P.wo;
  let i = (t / P.wo) % P.ho;
  let o0 = (t / plane) % blocks * OB;
  let bb = t / (plane * blocks);
  var acc = vec4f(0.0);
  for (var c = 0u; c < P.cin; c++) {
    let xc = (bb * P.cin + c) * P.h * P.w;
    for (var p = 0u; p < P.k; p++) {
      let r = pad_index(i32(i * P.stride + p) - i32(P.pad), i32(P.h));
      if (r < 0) { continue; }
      for (var q = 0u; q < P.k; q++) {
        let s = pad_index(i32(j * P.stride + q) - i32(P.pad), i32(P.w));
        if (s < 0) { continue; }
        acc += a[xc + u32(r) * P.w + u32(s)] * weights(o0, c, p * P.k + q);
      }
    }
  }
  for (var m = 0u; m < OB; m++) {
    if (o0 + m < P.cout) { out[((bb * P.cout + o0 + m) * P.ho + i) * P.wo + j] = acc[m]; }
  }
}

// Output row i and kernel row p whose window reads padded coordinate tu, or -1.
fn window_row(tu: i32, p: u32, n_out: u32) -> i32 {
  let num = tu + i32(P.pad) - i32(p);
  if (num < 0 || num % i32(P.stride) != 0 || u32(num) / P.stride >= n_out) { return -1; }
  return num / i32(P.stride);
}

// w[o, c, p, q] for OB consecutive c from c0 (clamped to Cin - 1).
fn weights_in(o: u32, c0: u32, pq: u32) -> vec4f {
  let kk = P.k * P.k;
  let last = P.cin - 1u;
  let base = o * P.cin;
  return vec4f(
    b[(base + min(c0, last)) * kk + pq],
    b[(base + min(c0 + 1u, last)) * kk + pq],
    b[(base + min(c0 + 2u, last)) * kk + pq],
    b[(base + min(c0 + 3u, last)) * kk + pq],
  );
}

@compute @workgroup_size(WG)
fn transpose(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let blocks = (P.cin + OB - 1u) / OB;
  let plane = P.h * P.w;
  if (t >= P.batch * blocks * plane) { return; }
  let v = t % P.w;
  let u = (t / P.w) % P.h;
  let c0 = (t / plane) % blocks * OB;
  let bb = t / (plane * blocks);
  let rows = pad_preimages(i32(u), i32(P.h), i32(P.pad));
  let cols = pad_preimages(i32(v), i32(P.w), i32(P.pad));
  var acc = vec4f(0.0);
  for (var ri = 0; ri < rows.w; ri++) {
    for (var p = 0u; p < P.k; p++) {
      let i = window_row(rows[ri], p, P.ho);
      if (i < 0) { continue; }
      for (var ci = 0; ci < cols.w; ci++) {
        for (var q = 0u; q < P.k; q++) {
          let j = window_row(cols[ci], q, P.wo);
          if (j < 0) { continue; }
          for (var o = 0u; o < P.cout; o++) {
            let g = a[((bb * P.cout + o) * P.ho + u32(i)) * P.wo + u32(j)];
            acc += g * weights_in(o, c0, p * P.k + q);
          }
        }
      }
    }
  }
  for (var m = 0u; m < OB; m++) {
    if (c0 + m < P.cin) { out[((bb * P.cin + c0 + m) * P.h + u) * P.w + v] = acc[m]; }
  }
}

@compute @workgroup_size(WG)
fn weight_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let kk = P.k * P.k;
  if (t >= P.cout * P.cin * kk) { return; }
  let q = t % P.k;
  let p = (t / P.k) % P.k;
  let c = (t / kk) % P.cin;
  let o = t / (kk * P.cin);
  var acc = 0.0;
  for (var bb = 0u; bb < P.batch; bb++) {
    let xc = (bb * P.cin + c) * P.h * P.w;
    let yo = (bb * P.cout + o) * P.ho * P.wo;
    for (var i = 0u; i < P.ho; i++) {
      let r = pad_index(i32(i * P.stride + p) - i32(P.pad), i32(P.h));
      if (r < 0) { continue; }
      for (var j = 0u; j < P.wo; j++) {
        let s = pad_index(i32(j * P.stride + q) - i32(P.pad), i32(P.w));
        if (s < 0) { continue; }
        acc += b[yo + i * P.wo + j] * a[xc + u32(r) * P.w + u32(s)];
      }
    }
  }
  out[t] = acc;
}
