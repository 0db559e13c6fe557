// The index of this invocation in a 1-D dispatch of grid1d() (src/gpu/kernel.ts): groups past
// the 65535 limit of x fold into y, so invocation (x, y) is number x + y * (groups in x) * WG.
// Needs the kernel's `override WG: u32`.
fn thread_index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}
