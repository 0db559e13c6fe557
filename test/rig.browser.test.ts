// Rig smoke test (browser project): WebGPU is reachable in headless Chromium and a compute
// shader runs end to end (upload, dispatch, read back).
import { describe, expect, it } from 'vitest';

const DOUBLE_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&data)) {
    data[id.x] = data[id.x] * 2.0;
  }
}
`;

async function double(
  device: GPUDevice,
  input: Float32Array<ArrayBuffer>,
): Promise<Float32Array<ArrayBuffer>> {
  const buf = device.createBuffer({
    size: input.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buf, 0, input);
  const readback = device.createBuffer({
    size: input.byteLength,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: DOUBLE_WGSL }), entryPoint: 'main' },
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: buf } }],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(input.length / 4));
  pass.end();
  enc.copyBufferToBuffer(buf, 0, readback, 0, input.byteLength);
  device.queue.submit([enc.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  buf.destroy();
  readback.destroy();
  return out;
}

describe('rig: WebGPU in the browser', () => {
  it('exposes navigator.gpu and an adapter', async () => {
    expect(navigator.gpu).toBeDefined();
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
  });

  it('runs a compute shader that doubles 4 floats', async () => {
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
    const device = await adapter!.requestDevice();
    try {
      const out = await double(device, new Float32Array([1, 2, 3, 4.5]));
      expect(Array.from(out)).toEqual([2, 4, 6, 9]);
    } finally {
      device.destroy();
    }
  });
});
