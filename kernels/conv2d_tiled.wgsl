// 2-D convolution, workgroup lowering (GPUs): y[b, o, i, j] = sum_{c, p, q} w[o, c, p, q] *
// xpad[b, c, i*s + p - pad, j*s + q - pad], padding per MODE (kernels/lib/conv_pad.wgsl).
//
// A workgroup of 16 x 16 threads (WG = 256, in rows of 16) computes a 16 x 16 tile of output
// pixels for OCB = 8 output channels (workgroup_id: x the tile, y the channel block, z the batch
// entry); each thread keeps its pixel's 8 sums in registers. Input channels advance P.chunk at a
// time: the tile's input patch with its halo ((16 - 1) * s + k rows and columns, padding applied
// as it is loaded) and the block's weights for those channels are staged in workgroup memory, so
// each loaded activation feeds up to k * k * 8 multiply-adds. Sums run over c, p, q in ascending
// order. The host keeps chunk * side^2 <= 3072 and 8 * chunk * k * k <= 1024 (16 KiB in all).
//
// TRANSPOSE = 1 computes a zero-padded conv_transpose2d as the direct conv it equals: the input
// (the conv's output gradient, [B, Cout_conv, Ho, Wo]) dilated by the conv's stride (P.dilation:
// zeros between its entries), padded by k - 1 - pad, stride 1, the kernel flipped in p and q and
// read as w[c, o] of the conv's [Cout_conv, Cin_conv, k, k] weight (the host passes P.pad = k - 1
// - pad and P.stride = 1, and P.cin / P.cout count this kernel's input / output channels).

// #include lib/conv_pad.wgsl

override WG: u32 = 256;  // the host sets TS * TS
override MODE: u32 = PAD_ZEROS;
override TRANSPOSE: u32 = 0u;
const TS: u32 = 16u;  // output tile side; the workgroup is TS x TS threads
const OCB: u32 = 8u;  // output channels per workgroup

@group(0) @binding(0) var<uniform> P: ConvTileParams;  // struct generated from convTileParams (src/ops/conv_lower.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // [B, Cin, H, W]
@group(0) @binding(2) var<storage, read> w: array<f32>;          // [Cout, Cin, k, k]
@group(0) @binding(3) var<storage, read_write> y: array<f32>;    // [B, Cout, Ho, Wo]

var<workgroup> xs: array<f32, 3072>;  // [chunk, side, side]: the padded input patch
var<workgroup> ws: array<f32, 1024>;  // [OCB, chunk, k, k]

// Input index at padded coordinate t of a length-n axis dilated by P.dilation, or -1 for a zero.
fn source_index(t: i32, n: u32) -> i32 {
  let d = i32(P.dilation);
  if (t < 0 || t % d != 0) { return select(pad_index(t, i32(n)), -1, d > 1); }
  return pad_index(t / d, i32(n));
}

// Stage channels c0 .. c0 + cc of the patch whose top-left padded coordinate is (r0, s0).
fn load_patch(t: u32, bb: u32, c0: u32, cc: u32, r0: i32, s0: i32) {
  let side = P.side;
  for (var e = t; e < cc * side * side; e += WG) {
    let ch = e / (side * side);
    let r = source_index(r0 + i32(e / side % side), P.h);
    let s = source_index(s0 + i32(e % side), P.w);
    var v = 0.0;
    if (r >= 0 && s >= 0) {
      v = x[((bb * P.cin + c0 + ch) * P.h + u32(r)) * P.w + u32(s)];
    }
    xs[e] = v;
  }
}

// Stage w[o0 .. o0 + OCB, c0 .. c0 + cc, :, :] (0 past Cout), or with TRANSPOSE the flipped
// w[c0 .. c0 + cc, o0 .. o0 + OCB, k - 1 - p, k - 1 - q].
fn load_weights(t: u32, o0: u32, c0: u32, cc: u32) {
  let kk = P.k * P.k;
  for (var e = t; e < OCB * cc * kk; e += WG) {
    let m = e / (cc * kk);
    let rest = e % (cc * kk);
    var v = 0.0;
    if (o0 + m < P.cout && TRANSPOSE == 0u) {
      v = w[((o0 + m) * P.cin + c0 + rest / kk) * kk + rest % kk];
    } else if (o0 + m < P.cout) {
      v = w[((c0 + rest / kk) * P.cout + o0 + m) * kk + kk - 1u - rest % kk];
    }
    ws[e] = v;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) local: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = local.x;
  let lid = vec2u(t % TS, t / TS);  // the thread's pixel in the tile: column x, row y
  let tiles_x = (P.wo + TS - 1u) / TS;
  let i0 = wid.x / tiles_x * TS;
  let j0 = wid.x % tiles_x * TS;
  let o0 = wid.y * OCB;
  let bb = wid.z;
  let r0 = i32(i0 * P.stride) - i32(P.pad);
  let s0 = i32(j0 * P.stride) - i32(P.pad);
  let kk = P.k * P.k;
  let side = P.side;
  var acc: array<f32, OCB>;
  for (var c0 = 0u; c0 < P.cin; c0 += P.chunk) {
    let cc = min(P.chunk, P.cin - c0);
    load_patch(t, bb, c0, cc, r0, s0);
    load_weights(t, o0, c0, cc);
    workgroupBarrier();
    for (var ch = 0u; ch < cc; ch++) {
      for (var p = 0u; p < P.k; p++) {
        let row = (ch * side + lid.y * P.stride + p) * side + lid.x * P.stride;
        for (var q = 0u; q < P.k; q++) {
          let v = xs[row + q];
          let wi = ch * kk + p * P.k + q;
          for (var m = 0u; m < OCB; m++) {
            acc[m] += v * ws[m * cc * kk + wi];
          }
        }
      }
    }
    workgroupBarrier();
  }
  let i = i0 + lid.y;
  let j = j0 + lid.x;
  if (i >= P.ho || j >= P.wo) { return; }
  for (var m = 0u; m < OCB; m++) {
    if (o0 + m < P.cout) { y[((bb * P.cout + o0 + m) * P.ho + i) * P.wo + j] = acc[m]; }
  }
}
