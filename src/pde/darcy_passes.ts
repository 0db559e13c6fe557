/**
 * The GPU side of DarcySolver (src/pde/darcy.ts): the kernels of kernels/darcy.wgsl (grid work)
 * and kernels/darcy_cg.wgsl (per-field scalars), their buffers, pipelines and bind groups, all
 * made once; `record` only encodes dispatches.
 */
import type { Runtime } from '../gpu/runtime';
import {
  baseOverrides,
  defineKernel,
  grid1d,
  WORKGROUP_SIZE,
  type Access,
  type KernelDef,
} from '../gpu/kernel';
import { codes } from '../gpu/wgsl';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/darcy.wgsl?raw';
import cgSource from '../../kernels/darcy_cg.wgsl?raw';

const darcyParams = new UniformLayout('DarcyParams', {
  batch: 'u32',
  s: 'u32',
  strips: 'u32',
  strip_len: 'u32',
  max_iter: 'u32',
  harmonic: 'u32',
  tol2: 'f32',
  h2: 'f32',
});
/**
 * Slots of the per-field scalars S[SCALARS b + k] that kernels/darcy_cg.wgsl updates and the host
 * reads back; the kernels name them RZ, RR, ..., ACTIVE.
 */
export const SLOT = { rz: 0, rr: 1, bb: 2, alpha: 3, beta: 4, iters: 5, pq: 6, active: 7 } as const;
/** Floats of S per field. */
export const SCALARS = 8;
const constants = { ...codes('', SLOT), SCALARS };
// inp, coef, xr, p, q, part, S (kernels/darcy.wgsl)
const GRID: readonly Access[] = ['read', ...Array<Access>(5).fill('read_write'), 'read'];
const gridKernel = (entry: string) =>
  defineKernel({ name: 'darcy', entry, source, params: darcyParams, constants, storage: GRID });
const cgKernel = (entry: string) =>
  defineKernel({
    name: 'darcy_cg',
    entry,
    source: cgSource,
    params: darcyParams,
    constants,
    storage: ['read', 'read_write'], // part, S
  });
const K = {
  setup: gridKernel('setup'),
  apply: gridKernel('apply'),
  update: gridKernel('update'),
  direction: gridKernel('direction'),
  begin: cgKernel('begin'),
  alpha: cgKernel('finish_alpha'),
  beta: cgKernel('finish_beta'),
};
export type DarcyPass = keyof typeof K;

/** Rows per strip of the dot products' partial sums. */
const STRIP = 16;
/**
 * Threads per field in the scalar kernels: a 256-wide tree on GPUs; 16 on CPU adapters (the
 * 'lane' target), where SwiftShader pays for every thread at every barrier (measured at s = 64:
 * 16 is ~6x faster than 256 and faster than 1 or 64). The tree's width changes the order of the
 * sums, so the two targets agree to rounding, not bit for bit.
 */
const LANE_FINISH_WG = 16;

export interface DarcyConfig {
  s: number;
  batch: number;
  tol: number;
  maxIter: number;
  harmonic: boolean;
}

type BufferName = 'inp' | 'coef' | 'xr' | 'p' | 'q' | 'part' | 'S' | 'uniforms';

interface Encoded {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  grid: [number, number, number];
}

export class DarcyPasses {
  private constructor(
    private readonly rt: Runtime,
    private readonly buffers: Record<BufferName, GPUBuffer>,
    private readonly passes: Record<DarcyPass, Encoded>,
  ) {}

  static async create(rt: Runtime, cfg: DarcyConfig): Promise<DarcyPasses> {
    const { s, batch, tol, maxIter } = cfg;
    const strips = Math.ceil(s / STRIP);
    const buffers = makeBuffers(rt, batch * s * s, batch * strips * s, batch);
    const host = darcyParams.pack({
      batch,
      s,
      strips,
      strip_len: STRIP,
      max_iter: maxIter,
      harmonic: cfg.harmonic ? 1 : 0,
      tol2: tol * tol,
      h2: 1 / (s - 1) ** 2,
    });
    rt.device.queue.writeBuffer(buffers.uniforms, 0, host);
    return new DarcyPasses(rt, buffers, await encodePasses(rt, buffers, batch, s, strips));
  }

  /** Inputs [2, batch, s, s]: a, then f. */
  write(inp: Float32Array): void {
    this.rt.writeBuffer(this.buffers.inp, inp);
  }

  /** One submit: `list` `times` over, after clearing the scalars when `clear`. */
  record(list: readonly DarcyPass[], times: number, clear: boolean): void {
    const enc = this.rt.device.createCommandEncoder({ label: 'darcy' });
    if (clear) enc.clearBuffer(this.buffers.S);
    const pass = enc.beginComputePass({ label: 'darcy' });
    for (let t = 0; t < times; t++)
      for (const name of list) {
        const e = this.passes[name];
        pass.setPipeline(e.pipeline);
        pass.setBindGroup(0, e.bindGroup);
        pass.dispatchWorkgroups(...e.grid);
      }
    pass.end();
    this.rt.submit(enc.finish(), times * list.length);
  }

  /** S [batch, 8] (slots in kernels/darcy_cg.wgsl). */
  readScalars(batch: number): Promise<Float32Array> {
    return this.rt.readBuffer(this.buffers.S, 32 * batch);
  }

  /** x of the first `nodes` nodes. */
  async readSolution(nodes: number): Promise<Float32Array> {
    const xr = await this.rt.readBuffer(this.buffers.xr, 8 * nodes);
    return Float32Array.from({ length: nodes }, (_, n) => xr[2 * n]);
  }

  destroy(): void {
    for (const buf of Object.values(this.buffers)) buf.destroy();
  }
}

function makeBuffers(
  rt: Runtime,
  nodes: number,
  strips: number,
  batch: number,
): Record<BufferName, GPUBuffer> {
  const make = (name: string, floats: number, usage = 0) =>
    rt.createBuffer({
      label: `darcy.${name}`,
      size: 4 * floats,
      usage: GPUBufferUsage.STORAGE | usage,
    });
  const copy = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  return {
    inp: make('inp', 2 * nodes, GPUBufferUsage.COPY_DST),
    coef: make('coef', 4 * nodes),
    xr: make('xr', 2 * nodes, copy),
    p: make('p', nodes),
    q: make('q', nodes),
    part: make('part', 2 * strips),
    S: make('S', 8 * batch, copy),
    uniforms: rt.createBuffer({
      label: 'darcy.params',
      size: darcyParams.size,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    }),
  };
}

/** Pipelines and bind groups of every pass. */
async function encodePasses(
  rt: Runtime,
  b: Record<BufferName, GPUBuffer>,
  batch: number,
  s: number,
  strips: number,
): Promise<Record<DarcyPass, Encoded>> {
  const fwg = rt.target.kernels === 'lane' ? LANE_FINISH_WG : WORKGROUP_SIZE;
  const node = grid1d(batch * s * s);
  const strip = grid1d(batch * strips * s);
  const field = grid1d(batch * fwg, fwg); // one workgroup per field
  const gridBufs = [b.inp, b.coef, b.xr, b.p, b.q, b.part, b.S];
  const encode = async (k: KernelDef, grid: Encoded['grid']): Promise<Encoded> => {
    const cg = k.name === 'darcy_cg';
    const pipeline = await rt.pipeline(k, cg ? { WG: fwg } : baseOverrides());
    const entries = [b.uniforms, ...(cg ? [b.part, b.S] : gridBufs)].map((buffer, binding) => ({
      binding,
      resource: { buffer },
    }));
    const layout = pipeline.getBindGroupLayout(0);
    const bindGroup = rt.createBindGroup({ label: `darcy/${k.entry}`, layout, entries });
    return { pipeline, bindGroup, grid };
  };
  return {
    setup: await encode(K.setup, node),
    apply: await encode(K.apply, strip),
    update: await encode(K.update, strip),
    direction: await encode(K.direction, node),
    begin: await encode(K.begin, field),
    alpha: await encode(K.alpha, field),
    beta: await encode(K.beta, field),
  };
}
