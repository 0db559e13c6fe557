/**
 * WGSL written once. A kernel file names the shared snippets it uses with a directive line
 *
 *   // #include lib/erfc.wgsl
 *
 * (a comment to WGSL highlighters, formatters and linters, so the files stay plain WGSL).
 * Paths are relative to kernels/; the snippets live in kernels/lib/. `assembleWgsl` splices each
 * included file in place of its directive, recursively, each file at most once per kernel (a
 * second include of it is dropped: WGSL has no redeclaration), and rejects cycles. Declarations
 * that TypeScript owns (the uniform struct, function-code constants) arrive as generated prelude
 * blocks put in front. It runs once per kernel definition, at module load (src/gpu/kernel.ts), so
 * no shader text is ever assembled per dispatch. The result keeps, for every line, the file and
 * line it came from, so compile errors point at the line someone wrote.
 */
import { WgnoError } from '../errors';
import type { UniformLayout } from './uniforms';

/** Where one line of an assembled kernel came from. `file` is a path under the repo root. */
export interface WgslOrigin {
  readonly file: string;
  readonly line: number;
}

export interface AssembledWgsl {
  readonly code: string;
  /** origins[i] is the origin of line i + 1 of `code` (WGSL line numbers count from 1). */
  readonly origins: readonly WgslOrigin[];
}

/** A block of generated WGSL put in front of a kernel; `label` names it in error messages. */
export interface WgslPrelude {
  readonly label: string;
  readonly text: string;
}

// Every snippet of kernels/lib, keyed 'lib/<name>.wgsl' (the include path). Vite inlines them at
// build time, so bundles and tests see the same text and nothing is read at run time.
const LIB_FILES = import.meta.glob<string>('../../kernels/lib/*.wgsl', {
  query: '?raw',
  import: 'default',
  eager: true,
});
export const WGSL_LIBRARY: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LIB_FILES).map(([path, text]) => [path.replace('../../kernels/', ''), text]),
);

const DIRECTIVE = /^\s*\/\/\s*#include\b(.*)$/;
const INCLUDE_PATH = /^\s+(lib\/[A-Za-z0-9_-]+\.wgsl)\s*$/;

interface Resolver {
  readonly library: Readonly<Record<string, string>>;
  readonly done: Set<string>;
  readonly stack: string[];
  readonly lines: string[];
  readonly origins: WgslOrigin[];
}

/**
 * The kernel `source` (from `file`, e.g. 'kernels/unary.wgsl') with its includes resolved against
 * `library` (include path -> text; default: kernels/lib) and the preludes in front.
 */
export function assembleWgsl(opts: {
  file: string;
  source: string;
  preludes?: readonly WgslPrelude[];
  library?: Readonly<Record<string, string>>;
}): AssembledWgsl {
  const r: Resolver = {
    library: opts.library ?? WGSL_LIBRARY,
    done: new Set(),
    stack: [],
    lines: [],
    origins: [],
  };
  for (const p of opts.preludes ?? []) {
    p.text.split('\n').forEach((text, i) => push(r, text, `(generated) ${p.label}`, i + 1));
  }
  splice(r, opts.file, opts.source);
  return { code: r.lines.join('\n'), origins: r.origins };
}

/**
 * The shader kernels/<name>.wgsl as it is compiled: the struct of `params` (its UniformLayout) and
 * the u32 `constants` (e.g. `codes('OP', UNARY_CODES)`) in front, then the file with its includes
 * resolved. defineKernel uses it for compute kernels; render shaders (src/viz/field_view.ts) call
 * it directly.
 */
export function assembleShader(def: {
  name: string;
  source: string;
  params?: UniformLayout | null;
  constants?: Readonly<Record<string, number>>;
}): AssembledWgsl {
  const { name, params, constants } = def;
  const preludes: WgslPrelude[] = [];
  if (params) preludes.push({ label: `struct ${params.structName}`, text: params.wgslStruct() });
  if (constants && Object.keys(constants).length)
    preludes.push({ label: `${name} constants`, text: wgslConstants(constants) });
  return assembleWgsl({ file: `kernels/${name}.wgsl`, source: def.source, preludes });
}

function push(r: Resolver, text: string, file: string, line: number): void {
  r.lines.push(text);
  r.origins.push({ file, line });
}

function splice(r: Resolver, file: string, source: string): void {
  r.stack.push(file);
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // The directive line itself stays, a comment showing what follows.
    push(r, lines[i], file, i + 1);
    const target = includeOf(r, lines[i], `${file}:${i + 1}`);
    if (target === null || r.done.has(target)) continue;
    r.done.add(target);
    splice(r, target, r.library[target.slice('kernels/'.length)]);
  }
  r.stack.pop();
}

/** The file a directive line includes ('kernels/lib/...'), or null for any other line. */
function includeOf(r: Resolver, text: string, at: string): string | null {
  const d = DIRECTIVE.exec(text);
  if (!d) return null;
  const path = INCLUDE_PATH.exec(d[1])?.[1];
  if (!path) {
    throw new WgnoError(
      'wgsl',
      `${at}: malformed include "${text.trim()}"; write // #include lib/<name>.wgsl`,
    );
  }
  const target = `kernels/${path}`;
  if (r.stack.includes(target)) {
    const chain = [...r.stack.slice(r.stack.indexOf(target)), target].join(' -> ');
    throw new WgnoError('wgsl', `${at}: include cycle ${chain}`);
  }
  if (r.library[path] === undefined) {
    const known =
      Object.keys(r.library)
        .map((k) => k.replace('lib/', ''))
        .sort()
        .join(', ') || 'nothing';
    throw new WgnoError('wgsl', `${at}: no file ${target} to include; kernels/lib has ${known}`);
  }
  return target;
}

const IDENT = /^[A-Z][A-Z0-9_]*$/;

/**
 * `const NAME: u32 = Vu;` lines for integer constants declared in TypeScript, so a WGSL `switch`
 * names its cases (`case OP_GELU:`) and the numbers are written only once, in the TS table.
 */
export function wgslConstants(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([name, v]) => {
      if (!IDENT.test(name) || !(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
        throw new WgnoError(
          'wgsl',
          `constant ${name} = ${v}; need an UPPER_CASE name and a u32 value`,
        );
      }
      return `const ${name}: u32 = ${v}u;`;
    })
    .join('\n');
}

/**
 * A function-code table as WGSL constant names: codes('OP', { neg: 0, gelu_grad: 10 }) is
 * { OP_NEG: 0, OP_GELU_GRAD: 10 }, for defineKernel's `constants` (prefix '': NEG, GELU_GRAD).
 */
export function codes(
  prefix: string,
  table: Readonly<Partial<Record<string, number>>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(table)) {
    if (v !== undefined) out[(prefix ? `${prefix}_` : '') + name.toUpperCase()] = v;
  }
  return out;
}
