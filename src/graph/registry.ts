/**
 * The op registry. Every primitive lives in its own module (src/ops/<name>.ts, or a domain layer
 * such as src/pde/) that declares its attributes by augmenting `OpAttrs` and registers its OpDef
 * at the bottom:
 *
 * ```ts
 * declare module '../graph/registry' {
 *   interface OpAttrs {
 *     relu: NoAttrs;
 *   }
 * }
 * registerOp('relu', reluDef); // reluDef: OpDef<NoAttrs>, checked against OpAttrs['relu']
 * ```
 *
 * The engine (autodiff, planner, reference evaluator) reads definitions from here by a node's op
 * name and never imports an op module, so the layers stay one way: graph <- ops.
 */
import { WgnoError } from '../errors';
import type { OpDef } from './op';

/** Attributes of every registered op, by op name; each op module adds its own entries. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface OpAttrs {}

export type OpName = keyof OpAttrs & string;

/** For ops without attributes. */
export type NoAttrs = Record<string, never>;

const defs = new Map<string, OpDef<never>>();

/**
 * Register op `name`. Registering a name twice is an error (two modules claiming one op), so a
 * typo cannot silently replace a kernel.
 */
export function registerOp<K extends OpName>(name: K, def: OpDef<OpAttrs[K]>): void {
  if (def.name !== name)
    throw new WgnoError('registerOp', `definition '${def.name}' registered as '${name}'`);
  if (defs.has(name)) throw new WgnoError('registerOp', `op '${name}' is already registered`);
  defs.set(name, def as OpDef<never>);
}

/** The definition of a registered op (what the engine reads for a node of that op). */
export function opDef<K extends OpName>(name: K): OpDef<OpAttrs[K]> {
  const def = defs.get(name);
  if (!def)
    throw new WgnoError(
      name,
      `no op '${name}' is registered; import its module (every op of src/ops/ is loaded by init())`,
    );
  return def as unknown as OpDef<OpAttrs[K]>;
}

/** Names of every registered op, in registration order (tests check each has a test row). */
export function registeredOps(): string[] {
  return [...defs.keys()];
}
