// CartPole-v1 (the classic gym dynamics: Barto, Sutton and Anderson 1983, Euler steps of 0.02 s)
// for every (member, episode) pair at once, each policy a 4-h1-h2-1 tanh MLP read from its
// population weights (src/train/evolution/cartpole.ts). The action pushes right when the policy's
// output is > 0. Reward 1 per step, the failing step included; an episode ends when |x| > 2.4 or
// |theta| > 12 degrees, or after max_steps. Episode e starts from 4 uniforms in [-0.05, 0.05) of
// the Philox stream key at elements 4e..4e+3, the same starts for every member (common random
// numbers: members are ranked on the same episodes).

// #include lib/thread_index.wgsl
// #include lib/philox.wgsl

override WG: u32 = 256;
const MAX_H: u32 = 64u;

@group(0) @binding(0) var<uniform> P: CartpoleParams;  // struct generated from cartpoleParams (cartpole.ts)
@group(0) @binding(1) var<storage, read> w0: array<f32>;  // [P, h1, 4]
@group(0) @binding(2) var<storage, read> b0: array<f32>;  // [P, h1]
@group(0) @binding(3) var<storage, read> w1: array<f32>;  // [P, h2, h1]
@group(0) @binding(4) var<storage, read> b1: array<f32>;  // [P, h2]
@group(0) @binding(5) var<storage, read> w2: array<f32>;  // [P, 1, h2]
@group(0) @binding(6) var<storage, read> b2: array<f32>;  // [P, 1]
@group(0) @binding(7) var<storage, read_write> ret: array<f32>;  // [P, episodes] returns

fn policy_pushes_right(p: u32, s: vec4f) -> bool {
  var h: array<f32, MAX_H>;
  var g: array<f32, MAX_H>;
  for (var i = 0u; i < P.h1; i++) {
    let r = (p * P.h1 + i) * 4u;
    h[i] = tanh(b0[p * P.h1 + i] + dot(vec4f(w0[r], w0[r + 1u], w0[r + 2u], w0[r + 3u]), s));
  }
  for (var i = 0u; i < P.h2; i++) {
    var a = b1[p * P.h2 + i];
    let r = (p * P.h2 + i) * P.h1;
    for (var k = 0u; k < P.h1; k++) { a += w1[r + k] * h[k]; }
    g[i] = tanh(a);
  }
  var o = b2[p];
  for (var k = 0u; k < P.h2; k++) { o += w2[p * P.h2 + k] * g[k]; }
  return o > 0.0;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let p = i / P.episodes;
  let e = i - p * P.episodes;
  let key = vec2u(P.key0, P.key1);
  var s = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) { s[k] = philox_uniform(key, 4u * e + k) * 0.1 - 0.05; }
  var steps = 0u;
  loop {
    if (steps >= P.max_steps) { break; }
    steps += 1u;
    s = cartpole_step(s, policy_pushes_right(p, s));
    if (abs(s.x) > 2.4 || abs(s.z) > 0.20943951023931953) { break; }
  }
  ret[i] = f32(steps);
}

// One Euler step; s = (x, x_dot, theta, theta_dot). Constants of gym's CartPoleEnv.
fn cartpole_step(s: vec4f, right: bool) -> vec4f {
  let force = select(-10.0, 10.0, right);
  let c = cos(s.z);
  let sn = sin(s.z);
  let temp = (force + 0.05 * s.w * s.w * sn) / 1.1;
  let theta_acc = (9.8 * sn - c * temp) / (0.5 * (4.0 / 3.0 - 0.1 * c * c / 1.1));
  let x_acc = temp - 0.05 * theta_acc * c / 1.1;
  return vec4f(s.x + 0.02 * s.y, s.y + 0.02 * x_acc, s.z + 0.02 * s.w, s.w + 0.02 * theta_acc);
}
