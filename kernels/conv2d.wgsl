// 2-D convolution, lane lowering: every invocation computes its outputs straight from global
// memory, no workgroup memory and no barriers (what CPU adapters run fast). Three entries, one per
// op of src/ops/conv.ts, all summing in a fixed order (deterministic, no atomics):
//   forward:     y[b, o, i, j] = sum_{c, p, q} w[o, c, p, q] * xpad[b, c, i*s + p - pad, j*s + q - pad]
//   transpose:   the adjoint in x: x[b, c, u, v] = sum of y[b, o, i, j] * w[o, c, p, q] over every
//                (i, p), (j, q) whose padded coordinate reads (u, v) (halo copies folded back)
//   weight_grad: w[o, c, p, q] = sum_{b, i, j} y[b, o, i, j] * xpad[b, c, i*s + p - pad, j*s + q - pad]
// xpad reads x through pad_index (MODE: zeros, circular or reflect). forward keeps a 4 x 4 block
// (4 output channels x 4 pixels of a row) per invocation in registers, so per tap 4 weight loads
// and 4 activation loads feed 16 multiply-adds; transpose keeps 4 input channels of one pixel.

// #include lib/thread_index.wgsl
// #include lib/conv_pad.wgsl

override WG: u32 = 256;
override MODE: u32 = PAD_ZEROS;
override TRANSPOSE: u32 = 0u;
const OB: u32 = 4u;  // channels per invocation (forward: output, transpose: input channels)
const JB: u32 = 4u;  // forward: output pixels along a row per invocation

@group(0) @binding(0) var<uniform> P: ConvParams;  // struct generated from convParams (src/ops/conv_lower.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;          // forward, weight_grad: x [B, Cin, H, W]; transpose: y [B, Cout, Ho, Wo]
@group(0) @binding(2) var<storage, read> b: array<f32>;          // forward, transpose: w [Cout, Cin, k, k]; weight_grad: y
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // forward: y; transpose: x; weight_grad: w

// Weight offsets of w[o, c = 0, p, q] for the OB channels o from o0 (clamped to Cout - 1: the
// extra lanes are not stored) and the step from one c to the next; with TRANSPOSE the flipped
// w[c, o, k - 1 - p, k - 1 - q] (see forward).
fn weight_walk(o0: u32, pq: u32) -> array<vec4u, 2> {
  let kk = P.k * P.k;
  let last = P.cout - 1u;
  let o = vec4u(min(o0, last), min(o0 + 1u, last), min(o0 + 2u, last), min(o0 + 3u, last));
  if (TRANSPOSE == 0u) {
    return array<vec4u, 2>(o * P.cin * kk + pq, vec4u(kk));
  }
  return array<vec4u, 2>(o * kk + kk - 1u - pq, vec4u(P.cout * kk));
}

// forward: an invocation computes 4 output channels (o0 ..) x 4 pixels (j0 ..) of row i. For each
// tap (p, q) the padded columns of its 4 pixels are resolved once (a zero tap gets weight 0 from
// the mask), then the loop over input channels is straight-line: 4 activation and 4 weight loads
// feed 16 multiply-adds into named accumulators (SwiftShader keeps those in registers; an indexed
// private array would live in memory). Sums run over p, q, then c.
//
// With TRANSPOSE = 1 it computes a zero-padded, stride-1 conv_transpose2d as the direct conv it
// equals: the output gradient padded by k - 1 - pad and the kernel flipped in p and q, read as
// w[c, o] of the conv's [Cout_conv, Cin_conv, k, k] weight (the host passes P.pad = k - 1 - pad
// and P.cin / P.cout counting this kernel's input / output channels).
@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let blocks = (P.cout + OB - 1u) / OB;
  let spans = (P.wo + JB - 1u) / JB;
  let per_row = blocks * spans;
  if (t >= P.batch * P.ho * per_row) { return; }
  let j0 = t % spans * JB;
  let o0 = t / spans % blocks * OB;
  let i = t / per_row % P.ho;
  let bb = t / (per_row * P.ho);
  let plane = P.h * P.w;
  var c0 = vec4f(0.0);  // pixel j0, channels o0 .. o0 + 3
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var p = 0u; p < P.k; p++) {
    let r = pad_index(i32(i * P.stride + p) - i32(P.pad), i32(P.h));
    if (r < 0) { continue; }
    for (var q = 0u; q < P.k; q++) {
      let col = i32(j0 * P.stride + q) - i32(P.pad);
      let st = i32(P.stride);
      let s = vec4i(
        pad_index(col, i32(P.w)),
        pad_index(col + st, i32(P.w)),
        pad_index(col + 2 * st, i32(P.w)),
        pad_index(col + 3 * st, i32(P.w)),
      );
      let mask = select(vec4f(0.0), vec4f(1.0), s >= vec4i(0));
      var xi = bb * P.cin * plane + u32(r) * P.w + vec4u(max(s, vec4i(0)));
      let walk = weight_walk(o0, p * P.k + q);
      var wi = walk[0];
      for (var c = 0u; c < P.cin; c++) {
        let xv = vec4f(a[xi.x], a[xi.y], a[xi.z], a[xi.w]) * mask;
        let wv = vec4f(b[wi.x], b[wi.y], b[wi.z], b[wi.w]);
        c0 = fma(vec4f(xv.x), wv, c0);
        c1 = fma(vec4f(xv.y), wv, c1);
        c2 = fma(vec4f(xv.z), wv, c2);
        c3 = fma(vec4f(xv.w), wv, c3);
        xi += plane;
        wi += walk[1];
      }
    }
  }
  let row = (bb * P.cout + o0) * P.ho * P.wo + i * P.wo + j0;
  store4(row, o0, j0, c0);
  store4(row + 1u, o0, j0 + 1u, c1);
  store4(row + 2u, o0, j0 + 2u, c2);
  store4(row + 3u, o0, j0 + 3u, c3);
}

// out[row + m * Ho * Wo] = v[m] for the channels o0 + m < Cout, if pixel j is inside the row.
fn store4(row: u32, o0: u32, j: u32, v: vec4f) {
  if (j >= P.wo) { return; }
  let step = P.ho * P.wo;
  for (var m = 0u; m < OB; m++) {
    if (o0 + m < P.cout) { out[row + m * step] = v[m]; }
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

// weight_grad: an invocation per 4 output channels (o0 ..), input channel c and kernel row p sums
// all k taps q at once over b, i, j, in that order: per output position 4 output-gradient loads
// and one activation per tap feed 4 multiply-adds per tap, into named accumulators (k <= 8).
@compute @workgroup_size(WG)
fn weight_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let blocks = (P.cout + OB - 1u) / OB;
  if (t >= blocks * P.cin * P.k) { return; }
  let p = t % P.k;
  let c = t / P.k % P.cin;
  let o0 = t / (P.k * P.cin) * OB;
  let last = P.cout - 1u;
  let o = vec4u(min(o0, last), min(o0 + 1u, last), min(o0 + 2u, last), min(o0 + 3u, last));
  let oplane = P.ho * P.wo;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  var a4 = vec4f(0.0);
  var a5 = vec4f(0.0);
  var a6 = vec4f(0.0);
  var a7 = vec4f(0.0);
  for (var bb = 0u; bb < P.batch; bb++) {
    let xc = (bb * P.cin + c) * P.h * P.w;
    let go = (bb * P.cout + o) * oplane;
    for (var i = 0u; i < P.ho; i++) {
      let r = pad_index(i32(i * P.stride + p) - i32(P.pad), i32(P.h));
      if (r < 0) { continue; }
      let xr = xc + u32(r) * P.w;
      // Columns j in [jl, jr) read every tap inside the row: no padding lookups there.
      let jl = min((P.pad + P.stride - 1u) / P.stride, P.wo);
      let num = i32(P.w) - i32(P.k) + i32(P.pad);  // the last interior j is num / stride (num >= 0)
      let jr = select(i32(jl), clamp(num / i32(P.stride) + 1, i32(jl), i32(P.wo)), num >= 0);
      for (var j = 0u; j < P.wo; j++) {
        if (j == jl && u32(jr) > jl) {
          for (; j < u32(jr); j++) {
            let gi = go + i * P.wo + j;
            let gv = vec4f(b[gi.x], b[gi.y], b[gi.z], b[gi.w]);
            let x0 = xr + j * P.stride - P.pad;
            a0 = fma(vec4f(a[x0]), gv, a0);
            if (P.k > 1u) {
              a1 = fma(vec4f(a[x0 + 1u]), gv, a1);
              a2 = fma(vec4f(a[x0 + 2u]), gv, a2);
            }
            if (P.k > 3u) { a3 = fma(vec4f(a[x0 + 3u]), gv, a3); }
            if (P.k > 4u) {
              a4 = fma(vec4f(a[x0 + 4u]), gv, a4);
              a5 = fma(vec4f(a[x0 + 5u]), gv, a5);
              a6 = fma(vec4f(a[x0 + 6u]), gv, a6);
              a7 = fma(vec4f(a[x0 + 7u]), gv, a7);
            }
          }
          if (j >= P.wo) { break; }
        }
        let gi = go + i * P.wo + j;
        let gv = vec4f(b[gi.x], b[gi.y], b[gi.z], b[gi.w]);
        let col = i32(j * P.stride) - i32(P.pad);
        a0 = fma(vec4f(tap(xr, col)), gv, a0);
        if (P.k > 1u) {
          a1 = fma(vec4f(tap(xr, col + 1)), gv, a1);
          a2 = fma(vec4f(tap(xr, col + 2)), gv, a2);
        }
        if (P.k > 3u) { a3 = fma(vec4f(tap(xr, col + 3)), gv, a3); }
        if (P.k > 4u) {
          a4 = fma(vec4f(tap(xr, col + 4)), gv, a4);
          a5 = fma(vec4f(tap(xr, col + 5)), gv, a5);
          a6 = fma(vec4f(tap(xr, col + 6)), gv, a6);
          a7 = fma(vec4f(tap(xr, col + 7)), gv, a7);
        }
      }
    }
  }
  let at = (o0 * P.cin + c) * P.k * P.k + p * P.k;
  store_tap(at, o0, 0u, a0);
  store_tap(at, o0, 1u, a1);
  store_tap(at, o0, 2u, a2);
  store_tap(at, o0, 3u, a3);
  store_tap(at, o0, 4u, a4);
  store_tap(at, o0, 5u, a5);
  store_tap(at, o0, 6u, a6);
  store_tap(at, o0, 7u, a7);
}

// x[xr + pad_index(col)] of one padded row, 0 where zero padding reads nothing.
fn tap(xr: u32, col: i32) -> f32 {
  let s = pad_index(col, i32(P.w));
  return select(0.0, a[xr + u32(max(s, 0))], s >= 0);
}

// dw[o0 + m, c, p, q] = v[m] (at: its offset for m = 0, q = 0) for q < k and o0 + m < Cout.
fn store_tap(at: u32, o0: u32, q: u32, v: vec4f) {
  if (q >= P.k) { return; }
  let step = P.cin * P.k * P.k;
  for (var m = 0u; m < OB; m++) {
    if (o0 + m < P.cout) { out[at + m * step + q] = v[m]; }
  }
}
