// Rig smoke test (node project): WebGPU in Node through the `webgpu` package (Dawn's dawn.node).
// On a GPU-less Linux box Dawn finds no Vulkan driver by default; Chromium's SwiftShader ICD works.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ...

// Debian's chromium keeps it in /usr/lib/chromium; Playwright's Chromium next to its binary.
const SWIFTSHADER_ICD = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  ...(process.env.CHROMIUM_PATH
    ? [join(dirname(process.env.CHROMIUM_PATH), 'vk_swiftshader_icd.json')]
    : []),
].find((p) => existsSync(p));

const DOUBLE_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&data)) {
    data[id.x] = data[id.x] * 2.0;
  }
}
`;

// Keep the create() result referenced for as long as a device is alive: if it is garbage-collected
// while in use, the process crashes inside Dawn.
let gpu: GPU | undefined;
let device: GPUDevice | undefined;

async function getAdapter(): Promise<GPUAdapter | null> {
  gpu = create([]);
  let adapter = await gpu.requestAdapter();
  if (!adapter && SWIFTSHADER_ICD && !process.env.VK_ICD_FILENAMES) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    gpu = create([]);
    adapter = await gpu.requestAdapter();
  }
  return adapter;
}

afterAll(() => {
  device?.destroy();
  device = undefined;
  gpu = undefined;
});

describe('rig: WebGPU in Node', () => {
  it('gets an adapter and doubles 4 floats with a compute shader', async () => {
    const adapter = await getAdapter();
    expect(adapter, 'no WebGPU adapter (is libvulkan1 + chromium installed?)').not.toBeNull();
    device = await adapter!.requestDevice();

    const input = new Float32Array([1, 2, 3, 4.5]);
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
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(buf, 0, readback, 0, input.byteLength);
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const out = Array.from(new Float32Array(readback.getMappedRange().slice(0)));
    readback.unmap();
    buf.destroy();
    readback.destroy();
    expect(out).toEqual([2, 4, 6, 9]);
  });
});
