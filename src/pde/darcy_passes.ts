/**
 * The GPU side of DarcySolver (src/pde/darcy.ts): the kernels of kernels/darcy.wgsl (grid work)
 * and kernels/darcy_cg.wgsl (per-field scalars) and their buffers, made once; the passes form two
 * Programs (src/gpu/program.ts), the start of CG and one iteration, so solving only encodes them.
 */
import type { Runtime } from '../runtime/runtime';
import { defineKernel, grid1d, WORKGROUP_SIZE, type Access, type KernelDef } from '../gpu/kernel';
import { Program, type DispatchSpec } from '../gpu/program';
import { codes } from '../gpu/wgsl';
import { UniformLayout, type UniformValues } from '../gpu/uniforms';
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
type DarcyPass = keyof typeof K;

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

type BufferName = 'inp' | 'coef' | 'xr' | 'p' | 'q' | 'part' | 'S';

/** What starts CG (r = b - A x, p = z, the first scalars), then what each iteration records. */
const START: readonly DarcyPass[] = ['setup', 'update', 'begin', 'direction'];
const ITERATION: readonly DarcyPass[] = ['apply', 'alpha', 'update', 'beta', 'direction'];

export class DarcyPasses {
  private constructor(
    private readonly rt: Runtime,
    private readonly buffers: Record<BufferName, GPUBuffer>,
    private readonly startProgram: Program,
    private readonly iteration: Program,
  ) {}

  static async create(rt: Runtime, cfg: DarcyConfig): Promise<DarcyPasses> {
    const { s, batch, tol, maxIter } = cfg;
    const strips = Math.ceil(s / STRIP);
    const buffers = makeBuffers(rt, batch * s * s, batch * strips * s, batch);
    const params = {
      batch,
      s,
      strips,
      strip_len: STRIP,
      max_iter: maxIter,
      harmonic: cfg.harmonic ? 1 : 0,
      tol2: tol * tol,
      h2: 1 / (s - 1) ** 2,
    };
    const specs = passSpecs(rt, buffers, params);
    const [start, iteration] = await Promise.all([
      Program.create(
        rt,
        'darcy.start',
        START.map((name) => specs[name]),
      ),
      Program.create(
        rt,
        'darcy.iteration',
        ITERATION.map((name) => specs[name]),
      ),
    ]);
    return new DarcyPasses(rt, buffers, start, iteration);
  }

  /** Inputs [2, batch, s, s]: a, then f. */
  write(inp: Float32Array): void {
    this.rt.writeBuffer(this.buffers.inp, inp);
  }

  /** Clears the scalars and starts CG on every field: one submit. */
  start(): void {
    this.startProgram.run({ before: (enc) => enc.clearBuffer(this.buffers.S) });
  }

  /** `times` CG iterations in one submit (fields that have stopped skip their work). */
  iterate(times: number): void {
    this.iteration.run({ repeat: times });
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
    this.startProgram.destroy();
    this.iteration.destroy();
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
  };
}

/** Every pass as a Program dispatch: its bindings, workgroup grid and the shared uniforms. */
function passSpecs(
  rt: Runtime,
  b: Record<BufferName, GPUBuffer>,
  params: UniformValues<typeof darcyParams.fields>,
): Record<DarcyPass, DispatchSpec> {
  const { batch, s, strips } = params;
  const fwg = rt.target.kernels === 'lane' ? LANE_FINISH_WG : WORKGROUP_SIZE;
  const node = grid1d(batch * s * s);
  const strip = grid1d(batch * strips * s);
  const field = grid1d(batch * fwg, fwg); // one workgroup per field
  const spec = (k: KernelDef, grid: readonly [number, number, number]): DispatchSpec => {
    const cg = k.name === 'darcy_cg';
    const storage = cg ? [b.part, b.S] : [b.inp, b.coef, b.xr, b.p, b.q, b.part, b.S];
    return { kernel: k, params, storage, grid, overrides: cg ? { WG: fwg } : {}, label: k.entry };
  };
  return {
    setup: spec(K.setup, node),
    apply: spec(K.apply, strip),
    update: spec(K.update, strip),
    direction: spec(K.direction, node),
    begin: spec(K.begin, field),
    alpha: spec(K.alpha, field),
    beta: spec(K.beta, field),
  };
}
