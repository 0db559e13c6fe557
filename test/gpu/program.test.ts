import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WgnoError, init, type Runtime } from '../../src/index';
import { defineKernel, grid1d } from '../../src/gpu/kernel';
import { Program, type DispatchSpec } from '../../src/gpu/program';
import { UniformLayout } from '../../src/gpu/uniforms';

// Test kernels; defineKernel puts the uniform struct in front of the source.
const affineParams = new UniformLayout('AffineParams', { n: 'u32', alpha: 'f32', beta: 'f32' });
const affine = defineKernel({
  name: 'program_test_affine',
  params: affineParams,
  storage: ['read', 'read_write'],
  source: `
override WG: u32 = 64;
@group(0) @binding(0) var<uniform> P: AffineParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < P.n) { y[id.x] = P.alpha * x[id.x] + P.beta; }
}
`,
});
/** No uniforms: storage starts at binding 0. y[i] += 1 (so repeats are visible). */
const increment = defineKernel({
  name: 'program_test_increment',
  storage: ['read_write'],
  source: `
override WG: u32 = 64;
@group(0) @binding(0) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&y)) { y[id.x] = y[id.x] + 1.0; }
}
`,
});

const N = 5;

describe('Program', () => {
  let rt: Runtime;
  let x: GPUBuffer;
  let y: GPUBuffer;
  beforeAll(async () => {
    rt = await init();
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    x = rt.createBuffer({ label: 'test.x', size: 4 * N, usage });
    y = rt.createBuffer({ label: 'test.y', size: 4 * N, usage });
    rt.writeBuffer(
      x,
      Float32Array.from({ length: N }, (_, i) => i),
    );
  });
  afterAll(() => rt?.destroy());

  const read = async () => [...(await rt.readBuffer(y, 4 * N))];
  const affineSpec = (alpha: number, beta: number): DispatchSpec<typeof affineParams.fields> => ({
    kernel: affine,
    params: { n: N, alpha, beta },
    storage: [x, y],
    grid: grid1d(N, 64),
    overrides: { WG: 64 },
    label: 'affine',
  });
  const incrementSpec = (): DispatchSpec => ({ kernel: increment, storage: [y], grid: [1, 1, 1] });

  it('makes pipelines, bind groups and one uniform buffer once; replays only encode', async () => {
    const s0 = { ...rt.stats };
    const prog = await Program.create(rt, 'test.replay', [affineSpec(2, 1), incrementSpec()]);
    const s1 = { ...rt.stats };
    expect(s1.pipelinesCreated - s0.pipelinesCreated).toBe(2);
    expect(s1.bindGroupsCreated - s0.bindGroupsCreated).toBe(2);
    expect(s1.buffersCreated - s0.buffersCreated).toBe(1); // the uniforms, nothing else
    expect(prog.dispatchCount).toBe(2);
    expect(prog.labels).toEqual(['affine', 'main']);
    for (let r = 0; r < 3; r++) prog.run();
    const s2 = { ...rt.stats };
    expect(s2.pipelinesCreated).toBe(s1.pipelinesCreated);
    expect(s2.bindGroupsCreated).toBe(s1.bindGroupsCreated);
    expect(s2.buffersCreated).toBe(s1.buffersCreated);
    expect(s2.submits - s1.submits).toBe(3);
    expect(s2.dispatches - s1.dispatches).toBe(6);
    expect(await read()).toEqual([2, 4, 6, 8, 10]); // 2 x + 1, then + 1
    // A second program of the same kernels reuses the cached pipelines.
    const again = await Program.create(rt, 'test.cached', [affineSpec(1, 0)]);
    expect(rt.stats.pipelinesCreated).toBe(s2.pipelinesCreated);
    prog.destroy();
    again.destroy();
    expect(() => prog.run()).toThrow(/test\.replay\.run: this program was destroyed/);
  });

  it('re-packs per-run uniforms before every run, over the static values', async () => {
    let alpha = 1;
    const spec = { ...affineSpec(0, 10), refresh: () => ({ alpha }) };
    const prog = await Program.create(rt, 'test.refresh', [spec]);
    prog.run();
    expect(await read()).toEqual([10, 11, 12, 13, 14]);
    alpha = -1;
    const before = rt.stats.buffersCreated;
    prog.run();
    expect(await read()).toEqual([10, 9, 8, 7, 6]);
    expect(rt.stats.buffersCreated).toBe(before);
    prog.destroy();
  });

  it('repeats the list in one pass and encodes commands before and after it', async () => {
    const prog = await Program.create(rt, 'test.repeat', [incrementSpec()]);
    const out = rt.createBuffer({
      label: 'test.out',
      size: 4 * N,
      usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const submits = rt.stats.submits;
    prog.run({
      repeat: 4,
      before: (enc) => enc.clearBuffer(y),
      after: (enc) => enc.copyBufferToBuffer(y, 0, out, 0, 4 * N),
    });
    expect(rt.stats.submits - submits).toBe(1);
    expect([...(await rt.readBuffer(out, 4 * N))]).toEqual([4, 4, 4, 4, 4]);
    expect(() => prog.run({ repeat: 0 })).toThrow(/repeat = 0; need an integer >= 1/);
    out.destroy();
    prog.destroy();
  });

  it('records into a pass the caller owns, next to other programs', async () => {
    const first = await Program.create(rt, 'test.first', [affineSpec(1, 0)]);
    const second = await Program.create(rt, 'test.second', [incrementSpec(), incrementSpec()]);
    const enc = rt.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    first.record(pass);
    second.record(pass);
    pass.end();
    rt.submit(enc.finish(), first.dispatchCount + second.dispatchCount);
    expect(await read()).toEqual([2, 3, 4, 5, 6]);
    first.destroy();
    second.destroy();
  });

  it('profiles one real run, one labelled time per dispatch', async () => {
    const prog = await Program.create(rt, 'test.profile', [affineSpec(3, 0), incrementSpec()]);
    const times = await prog.profile();
    expect(times.map((t) => t.label)).toEqual(['affine', 'main']);
    for (const t of times) expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(await read()).toEqual([1, 4, 7, 10, 13]);
    prog.destroy();
  });

  it('rejects a wrong binding count or missing uniforms before creating anything', async () => {
    const before = { ...rt.stats };
    const short = { ...affineSpec(1, 0), storage: [x] };
    await expect(Program.create(rt, 'test.bad', [incrementSpec(), short])).rejects.toThrow(
      /Program test\.bad: dispatch 1 \(affine, kernel program_test_affine\.main\) binds 1 storage buffers; the kernel declares 2/,
    );
    await expect(Program.create(rt, 'test.bad', [short])).rejects.toBeInstanceOf(WgnoError);
    const bare = { kernel: affine, storage: [x, y], grid: [1, 1, 1] } as DispatchSpec;
    await expect(Program.create(rt, 'test.bare', [bare])).rejects.toThrow(
      /dispatch 0 \(main, kernel program_test_affine\.main\) needs values for its uniform struct AffineParams/,
    );
    expect(rt.stats).toEqual(before);
  });
});
