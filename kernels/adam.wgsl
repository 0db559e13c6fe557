// Adam / AdamW steps in place (Kingma & Ba 2015; AdamW: Loshchilov & Hutter 2019), matching
// torch.optim.Adam / AdamW: bias corrections bc1 = 1 - beta1^t and bc2 = 1 - beta2^t are
// computed on the CPU per step and passed as uniforms.
// Entry `main` updates one parameter; `pair` and `triple` update two or three in one dispatch
// (PyTorch's foreach: fewer launches for the many small tensors of a model). Invocation i
// belongs to parameter 0 below P.end0, to parameter 1 below P.end1, else to parameter 2; each
// parameter has its own learning rate (its group's). Element-for-element the same arithmetic as
// `main`, so both paths give the same bits.
// p*, m*, v*: [n*] f32 (read_write); g*: [n*] f32. P.n: the total of the n*.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: AdamParams;  // struct generated from adamParams (src/train/optim.ts)
@group(0) @binding(1) var<storage, read_write> p0: array<f32>;  // parameter
@group(0) @binding(2) var<storage, read> g0: array<f32>;        // its gradient
@group(0) @binding(3) var<storage, read_write> m0: array<f32>;  // first moment
@group(0) @binding(4) var<storage, read_write> v0: array<f32>;  // second moment
@group(0) @binding(5) var<storage, read_write> p1: array<f32>;  // pair, triple only
@group(0) @binding(6) var<storage, read> g1: array<f32>;
@group(0) @binding(7) var<storage, read_write> m1: array<f32>;
@group(0) @binding(8) var<storage, read_write> v1: array<f32>;
@group(0) @binding(9) var<storage, read_write> p2: array<f32>;  // triple only
@group(0) @binding(10) var<storage, read> g2: array<f32>;
@group(0) @binding(11) var<storage, read_write> m2: array<f32>;
@group(0) @binding(12) var<storage, read_write> v2: array<f32>;

// One element's step: (new weight, new first moment, new second moment).
fn adam_step(w0: f32, g: f32, m: f32, v: f32, lr: f32) -> vec3f {
  var w = w0;
  var grad = g;
  if (P.decoupled == 1u) {
    w = w * (1.0 - lr * P.weight_decay);   // AdamW: decay the weight itself
  } else {
    grad = grad + P.weight_decay * w;      // Adam: L2 penalty folded into the gradient
  }
  let mi = P.beta1 * m + (1.0 - P.beta1) * grad;
  let vi = P.beta2 * v + (1.0 - P.beta2) * grad * grad;
  let denom = sqrt(vi) / sqrt(P.bc2) + P.eps;
  return vec3f(w - (lr / P.bc1) * mi / denom, mi, vi);
}

fn step0(i: u32) {
  let r = adam_step(p0[i], g0[i], m0[i], v0[i], P.lr);
  p0[i] = r.x; m0[i] = r.y; v0[i] = r.z;
}

fn step1(i: u32) {
  let r = adam_step(p1[i], g1[i], m1[i], v1[i], P.lr1);
  p1[i] = r.x; m1[i] = r.y; v1[i] = r.z;
}

fn step2(i: u32) {
  let r = adam_step(p2[i], g2[i], m2[i], v2[i], P.lr2);
  p2[i] = r.x; m2[i] = r.y; v2[i] = r.z;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i < P.n) { step0(i); }
}

@compute @workgroup_size(WG)
fn pair(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i < P.end0) { step0(i); } else if (i < P.n) { step1(i - P.end0); }
}

@compute @workgroup_size(WG)
fn triple(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i < P.end0) {
    step0(i);
  } else if (i < P.end1) {
    step1(i - P.end0);
  } else if (i < P.n) {
    step2(i - P.end1);
  }
}
