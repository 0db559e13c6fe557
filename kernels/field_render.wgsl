// Draws an n0 x n1 scalar field (row-major f32 storage, axis 0 down the screen) onto the whole
// render target with a diverging colour map: values are divided by P.range and clamped to [-1, 1],
// then looked up in P.stops (evenly spaced control colours from -1 to +1, linearly interpolated).
// Nearest cell, no filtering: what is drawn is what the solver or model computed. The field starts
// at element P.offset of the buffer (a batch index times n0 n1); P.stops[k].rgb is stop k.

@group(0) @binding(0) var<uniform> P: FieldRenderParams;  // struct generated from renderParams (src/viz/field_view.ts)
@group(0) @binding(1) var<storage, read> field: array<f32>;

struct VsOut {
  @builtin(position) pos: vec4f,
  @location(0) uv: vec2f,
}

// One triangle covering the viewport; uv in [0, 1]^2 with v = 0 at the top.
@vertex
fn vs(@builtin(vertex_index) i: u32) -> VsOut {
  let xy = vec2f(f32((i << 1u) & 2u), f32(i & 2u));
  var o: VsOut;
  o.pos = vec4f(xy * 2.0 - 1.0, 0.0, 1.0);
  o.uv = vec2f(xy.x, 1.0 - xy.y);
  return o;
}

fn colormap(t: f32) -> vec3f {
  let x = clamp(t, -1.0, 1.0) * 0.5 + 0.5;  // 0..1
  let segments = f32(P.stop_count - 1u);
  let s = min(floor(x * segments), segments - 1.0);
  let f = x * segments - s;
  let k = u32(s);
  return mix(P.stops[k].rgb, P.stops[k + 1u].rgb, f);
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4f {
  let row = min(u32(in.uv.y * f32(P.n0)), P.n0 - 1u);
  let col = min(u32(in.uv.x * f32(P.n1)), P.n1 - 1u);
  let v = field[P.offset + row * P.n1 + col];
  if (v != v) { return vec4f(0.0, 0.0, 0.0, 1.0); }  // NaN: black
  return vec4f(colormap(v / P.range), 1.0);
}
