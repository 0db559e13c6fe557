import { WgnoError } from '../errors';
import type { UniformFields, UniformLayout } from './uniforms';
import { assembleShader, type WgslOrigin } from './wgsl';

/**
 * Threads per workgroup for 1-D kernels. WGSL declares `override WG: u32` and
 * `@workgroup_size(WG)`; the pipeline sets WG from this constant and `grid1d` divides by it,
 * so the shader and the dispatch count can never disagree.
 */
export const WORKGROUP_SIZE = 256;

/** Largest workgroup count per dispatch dimension guaranteed by WebGPU's default limits. */
export const MAX_GROUPS_PER_DIM = 65535;

export type Access = 'read' | 'read_write';

/**
 * A WGSL compute kernel: its assembled source (uniform struct and constants generated from TS,
 * includes resolved; see src/gpu/wgsl.ts), its uniform struct (binding 0 when present) and its
 * storage bindings in order (bindings 1..n, or 0..n-1 without uniforms).
 */
export interface KernelDef<F extends UniformFields = UniformFields> {
  readonly name: string;
  readonly source: string;
  /** The file and line each line of `source` came from, for compile errors. */
  readonly origins: readonly WgslOrigin[];
  readonly entry: string;
  readonly params: UniformLayout<F> | null;
  readonly storage: readonly Access[];
}

/** Every kernel defined so far (a test compiles each one). */
export const allKernels: KernelDef[] = [];

/**
 * Define the kernel `entry` of kernels/<name>.wgsl (`source`, imported `?raw`). The WGSL file
 * declares neither its uniform struct nor its code constants: `params.wgslStruct()` and
 * `constants` (u32 values, e.g. `codes('OP', UNARY_CODES)`) are put in front, and its
 * `// #include lib/...` lines resolved, here, once, when the module defining the kernel loads.
 */
export function defineKernel<F extends UniformFields>(def: {
  name: string;
  source: string;
  entry?: string;
  params?: UniformLayout<F>;
  constants?: Readonly<Record<string, number>>;
  storage: readonly Access[];
}): KernelDef<F> {
  const { name, params, constants } = def;
  const { code, origins } = assembleShader({ name, source: def.source, params, constants });
  const k: KernelDef<F> = {
    name,
    source: code,
    origins,
    entry: def.entry ?? 'main',
    params: params ?? null,
    storage: def.storage,
  };
  allKernels.push(k as unknown as KernelDef);
  return k;
}

/**
 * Workgroup grid covering n threads in 1-D, folded into y when x would exceed the limit; kernels
 * undo the fold with thread_index() of kernels/lib/thread_index.wgsl.
 */
export function grid1d(n: number, wg = WORKGROUP_SIZE): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  if (y > MAX_GROUPS_PER_DIM) {
    throw new WgnoError(
      'dispatch',
      `${n} threads exceed the ${MAX_GROUPS_PER_DIM}^2 workgroup grid`,
    );
  }
  return [MAX_GROUPS_PER_DIM, y, 1];
}

/**
 * Cut a range of `length` (a long reduction) into equal chunks of at least `minChunk`, at most
 * `wanted` of them (at least one). `count` is recomputed from `chunk`, so the last chunk is never
 * empty. Both depend only on the arguments: a split reduction keeps a fixed summation order.
 */
export function splitRange(
  length: number,
  wanted: number,
  minChunk: number,
): { chunk: number; count: number } {
  const count = Math.max(1, Math.min(wanted, Math.floor(length / minChunk)));
  const chunk = Math.ceil(length / count);
  return { chunk, count: Math.ceil(length / chunk) };
}

/** Overrides every kernel gets; kernels may add their own. */
export function baseOverrides(): Record<string, number> {
  return { WG: WORKGROUP_SIZE };
}

export function bindGroupLayoutEntries(k: KernelDef): GPUBindGroupLayoutEntry[] {
  const entries: GPUBindGroupLayoutEntry[] = [];
  if (k.params)
    entries.push({ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
  const base = k.params ? 1 : 0;
  k.storage.forEach((a, i) =>
    entries.push({
      binding: base + i,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: a === 'read' ? 'read-only-storage' : 'storage' },
    }),
  );
  return entries;
}

/**
 * Turn WGSL compilation messages into one readable error naming the kernel and, through the line
 * map, the file and line each message is about (a kernel file, a kernels/lib snippet, or a
 * generated struct or constant).
 */
export async function describeCompileError(
  k: KernelDef,
  module: GPUShaderModule,
  cause: unknown,
): Promise<WgnoError> {
  const info = await module.getCompilationInfo();
  const lines = k.source.split('\n');
  const msgs = info.messages
    .filter((m) => m.type === 'error')
    .map((m) => {
      const o = k.origins[m.lineNum - 1];
      const where = o ? `${o.file}:${o.line}` : `kernels/${k.name}.wgsl (assembled):${m.lineNum}`;
      return `  ${where}:${m.linePos}: ${m.message}\n    | ${lines[m.lineNum - 1] ?? ''}`;
    });
  const detail = msgs.length
    ? msgs.join('\n')
    : String(cause instanceof Error ? cause.message : cause);
  return new WgnoError(`kernel ${k.name}`, `WGSL pipeline creation failed:\n${detail}`);
}
