/**
 * The model kinds a saved run can hold, and the one factory that builds any of them from its
 * config.json. The file's convention (what `wgno train` writes): `{ "model": { "kind": K, ...the
 * constructor's config }, "tIn": 10, "tOut": 10 }`, with K 'fno' (the default, so configs written
 * before kinds existed still load), 'mgno' or 'spacetime_fno'. A bare SpaceTimeFNO constructor
 * config (`{ "modesX": ..., "width": ... }`, what tools/experiments/spacetime_fno_ns.mjs writes)
 * is read as kind 'spacetime_fno' with 10 frames in and outputSteps (else 10) out.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { FNO, type FNOConfig } from './fno';
import { MgNO, type MgNOConfig } from './mgno';
import { SpaceTimeFNO, type SpaceTimeFNOConfig } from './spacetime_fno';

/** The model families a saved run can hold. */
export const MODEL_KINDS = ['fno', 'mgno', 'spacetime_fno'] as const;
/** One of MODEL_KINDS. */
export type ModelKind = (typeof MODEL_KINDS)[number];

interface Window {
  /** Input frames (the FNO and MgNO: channels; the space-time FNO: time length of a window). */
  tIn?: number;
  /** Frames predicted: the rollout length trained over, or the space-time FNO's window. */
  tOut?: number;
}

/** A parsed config.json: the kind, the constructor config (without `kind`), the window. */
export type SavedModelConfig = Window &
  (
    | { kind: 'fno'; model: FNOConfig }
    | { kind: 'mgno'; model: MgNOConfig }
    | { kind: 'spacetime_fno'; model: SpaceTimeFNOConfig }
  );

/** A built model with its kind, so callers can narrow to the class. */
export type KindedModel =
  | { kind: 'fno'; model: FNO }
  | { kind: 'mgno'; model: MgNO }
  | { kind: 'spacetime_fno'; model: SpaceTimeFNO };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kind of `model.kind`, or a WgnoError of `op` naming the value and the valid kinds. */
export function modelKind(op: string, kind: unknown, name: string): ModelKind {
  if (kind === undefined) return 'fno';
  if (!MODEL_KINDS.includes(kind as ModelKind))
    throw new WgnoError(
      op,
      `${name}: 'model.kind' must be ${MODEL_KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kind)}`,
    );
  return kind as ModelKind;
}

/**
 * A saved run's config.json from its text; `op` and `name` (the file or URL) go into the error.
 * The constructor configs are checked by the constructors themselves (buildModel).
 */
export function parseModelConfig(op: string, text: string, name: string): SavedModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WgnoError(op, `the config ${name} is not JSON: ${String(e)}`);
  }
  if (isObject(raw) && !('model' in raw) && 'modesX' in raw) {
    const steps = raw.outputSteps;
    const tOut = typeof steps === 'number' ? steps : 10;
    return { kind: 'spacetime_fno', model: raw as unknown as SpaceTimeFNOConfig, tIn: 10, tOut };
  }
  if (!isObject(raw) || !isObject(raw.model))
    throw new WgnoError(
      op,
      `the config ${name} has no "model" object; expected wgno train's config.json ({ "model": { "kind": "fno", "nModes": [...], ... }, "tIn": ..., "tOut": ... })`,
    );
  const { kind, ...model } = raw.model;
  const window: Window = {};
  for (const k of ['tIn', 'tOut'] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || (v as number) < 1)
      throw new WgnoError(op, `${name}: '${k}' must be an integer >= 1, got ${JSON.stringify(v)}`);
    window[k] = v as number;
  }
  return { ...window, kind: modelKind(op, kind, name), model } as unknown as SavedModelConfig;
}

/**
 * Builds the model a config describes (fresh weights; load a state_dict into it).
 *
 * @example
 * const saved = parseModelConfig('demo', await (await fetch('config.json')).text(), 'config.json');
 * const { kind, model } = buildModel(rt, saved);
 * if (kind === 'spacetime_fno') console.log(model.config.width);
 */
export function buildModel(rt: Runtime, saved: SavedModelConfig): KindedModel {
  switch (saved.kind) {
    case 'fno':
      return { kind: 'fno', model: new FNO(rt, saved.model) };
    case 'mgno':
      return { kind: 'mgno', model: new MgNO(rt, saved.model) };
    case 'spacetime_fno':
      return { kind: 'spacetime_fno', model: new SpaceTimeFNO(rt, saved.model) };
  }
}
