/**
 * The adapter's copy bandwidth, the yardstick for every kernel's GB/s: a vec4 copy kernel timed
 * exactly like the kernels (Program.profile, GPU timestamps when present), and copyBufferToBuffer
 * timed by wall clock over several copies in one submit. Both count read + written bytes.
 */
import type { Runtime } from '../../src/index';
import { defineKernel, grid1d } from '../../src/gpu/kernel';
import { Program } from '../../src/gpu/program';
import { UniformLayout } from '../../src/gpu/uniforms';
import source from './copy.wgsl?raw';

const copyParams = new UniformLayout('CopyParams', { n: 'u32' });
const copyKernel = defineKernel({
  name: 'bench_copy',
  source,
  params: copyParams,
  storage: ['read', 'read_write'],
});

export interface Bandwidth {
  bytes: number;
  kernelGBps: number;
  kernelTimer: 'timestamp' | 'wall';
  copyBufferGBps: number;
}

/** Copies of `bytes` (rounded to 16) between two buffers; the fastest of `runs` runs of each method. */
export async function measureBandwidth(rt: Runtime, bytes: number, runs = 5): Promise<Bandwidth> {
  const size = Math.ceil(Math.min(bytes, rt.device.limits.maxStorageBufferBindingSize) / 16) * 16;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const src = rt.createBuffer({ label: 'bench copy src', size, usage });
  const dst = rt.createBuffer({ label: 'bench copy dst', size, usage });
  const n = size / 16;
  const prog = await Program.create(rt, 'bench-copy', [
    { kernel: copyKernel, params: { n }, storage: [src, dst], grid: grid1d(n), label: 'copy' },
  ]);
  try {
    prog.run(); // warm-up: first touch of both buffers
    await rt.device.queue.onSubmittedWorkDone();
    const kernel: number[] = [];
    let timer: 'timestamp' | 'wall' = 'wall';
    for (let r = 0; r < runs; r++) {
      const [row] = await prog.profile({ timestamps: true });
      kernel.push(row.ms);
      timer = row.timer;
    }
    const copies = 8;
    const wall: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const enc = rt.device.createCommandEncoder({ label: 'bench copyBufferToBuffer' });
      for (let c = 0; c < copies; c++)
        enc.copyBufferToBuffer(c % 2 ? dst : src, 0, c % 2 ? src : dst, 0, size);
      rt.device.queue.submit([enc.finish()]);
      await rt.device.queue.onSubmittedWorkDone();
      wall.push((performance.now() - t0) / copies);
    }
    const gbps = (t: number) => (2 * size) / (Math.max(t, 1e-6) * 1e6);
    return {
      bytes: size,
      kernelGBps: gbps(Math.min(...kernel)),
      kernelTimer: timer,
      copyBufferGBps: gbps(Math.min(...wall)),
    };
  } finally {
    prog.destroy();
    src.destroy();
    dst.destroy();
  }
}
