import { WgnoError, fmtShape } from '../errors';
import { writeFileAtomic } from '../io/atomic_file';
import { nodeFs } from '../io/node_fs';
import type { Tensor } from '../graph/tensor';
import { floatDtype } from '../graph/shape';
import type { HostTensor } from '../io/host_tensor';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';

/**
 * A training checkpoint: `weights` is one safetensors file holding the model's parameters under
 * their state_dict names, the optimizer state under `__optim__.{param}.{exp_avg|...}`, and (in its
 * `__metadata__`, key `wgno.trainer.state`) a copy of `state`, so the file alone resumes training.
 * `state` is JSON: epoch, optimizer stepCount and lr, scheduler epoch, shuffling seed, config.
 * Module.loadStateDict ignores the `__` keys, so the file also loads as plain model weights.
 */
export interface Checkpoint {
  /** A safetensors file: parameters, optimizer state, and `state` in its metadata. */
  readonly weights: Uint8Array;
  /** JSON of a TrainerState. */
  readonly state: string;
}

/** What `state` holds (format version 1). */
export interface TrainerState {
  /** Identifies the JSON as a wgno trainer state. */
  format: 'wgno.trainer';
  /** Format version. */
  version: 1;
  /** Completed epochs. */
  epoch: number;
  /** Optimizer steps taken (Adam's bias correction reads it). */
  stepCount: number;
  /** The optimizer's learning rate at the checkpoint. */
  lr: number;
  /**
   * Each parameter group's learning rate at the checkpoint (their ratios to `lr` may have been
   * changed by setGroupLr since the optimizer was made). Absent in older files: the groups then
   * keep the ratios the resuming optimizer was made with.
   */
  groupLrs?: number[];
  /** StepLR's epoch counter, or null without a scheduler. */
  schedulerEpoch: number | null;
  /** Shuffling state: an epoch's order is a function of (seed, epoch). */
  rng: {
    /** The Trainer's seed. */
    seed: number;
    /** The epoch whose order is next. */
    epoch: number;
  };
  /** Settings that must match on resume for training to continue bit for bit. */
  config: Record<string, unknown>;
}

export const OPTIM_PREFIX = '__optim__.';
const STATE_KEY = 'wgno.trainer.state';

/** Serialise parameters, optimizer state and trainer state into a Checkpoint. */
export function packCheckpoint(
  params: ReadonlyMap<string, HostTensor>,
  optim: ReadonlyMap<string, HostTensor>,
  state: TrainerState,
): Checkpoint {
  const all = new Map(params);
  for (const [k, v] of optim) all.set(OPTIM_PREFIX + k, v);
  const json = JSON.stringify(state);
  return { weights: writeSafetensors(all, { [STATE_KEY]: json }), state: json };
}

/** Split a checkpoint back into parameters, optimizer state and trainer state. */
export function unpackCheckpoint(ckpt: { weights: Uint8Array | ArrayBuffer; state?: string }): {
  params: Map<string, HostTensor>;
  optim: Map<string, HostTensor>;
  state: TrainerState;
} {
  const file = parseSafetensors(ckpt.weights);
  const json = ckpt.state ?? file.metadata[STATE_KEY];
  if (json === undefined)
    throw new WgnoError(
      'loadCheckpoint',
      `no trainer state: pass { weights, state } or a file written by saveCheckpoint() (metadata '${STATE_KEY}')`,
    );
  const state = JSON.parse(json) as TrainerState;
  if (state.format !== 'wgno.trainer' || state.version !== 1)
    throw new WgnoError(
      'loadCheckpoint',
      `state format '${String(state.format)}' v${String(state.version)} is not a wgno.trainer v1 checkpoint`,
    );
  const params = new Map<string, HostTensor>();
  const optim = new Map<string, HostTensor>();
  for (const [k, v] of file.tensors) {
    if (k.startsWith(OPTIM_PREFIX)) optim.set(k.slice(OPTIM_PREFIX.length), v);
    else params.set(k, v);
  }
  return { params, optim, state };
}

/** Read named parameters back from the GPU. */
export async function readParams(
  named: readonly (readonly [string, Tensor])[],
): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of named)
    out.set(name, {
      dtype: floatDtype('readParams', t),
      shape: [...t.shape],
      data: await t.read(),
    });
  return out;
}

/** Write saved parameters into the model's; names, dtypes and shapes must match exactly. */
export function writeParams(
  named: readonly (readonly [string, Tensor])[],
  params: ReadonlyMap<string, HostTensor>,
): void {
  for (const [name, t] of named) {
    const h = params.get(name);
    if (!h || h.dtype !== t.dtype || h.shape.join() !== t.shape.join())
      throw new WgnoError(
        'loadCheckpoint',
        `parameter '${name}' must be ${t.dtype} ${fmtShape(t.shape)}, got ${h ? `${h.dtype} ${fmtShape(h.shape)}` : 'nothing'}`,
      );
    t.write(h.data);
  }
  if (params.size !== named.length)
    throw new WgnoError(
      'loadCheckpoint',
      `the checkpoint has ${params.size} parameters, the model ${named.length}`,
    );
}

/** The optimizer side of per-group learning rates (Optimizer's groupCount / groupLr / setGroupLr). */
interface GroupLrs {
  readonly groupCount: number;
  groupLr(i: number): number;
  setGroupLr(i: number, lr: number): void;
}

/** Every group's learning rate, for TrainerState.groupLrs. */
export function groupLrsOf(opt: GroupLrs): number[] {
  return Array.from({ length: opt.groupCount }, (_, i) => opt.groupLr(i));
}

/** Set every group's saved learning rate (after the optimizer's lr); older files have none. */
export function restoreGroupLrs(opt: GroupLrs, saved: readonly number[] | undefined): void {
  if (saved === undefined) return;
  if (saved.length !== opt.groupCount)
    throw new WgnoError(
      'loadCheckpoint',
      `the checkpoint has ${saved.length} parameter groups, this optimizer ${opt.groupCount}; resume with the same groups`,
    );
  saved.forEach((lr, i) => opt.setGroupLr(i, lr));
}

/** Every setting of `mine` must equal the checkpoint's, or training would not continue exactly. */
export function checkConfig(mine: Record<string, unknown>, saved: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(mine))
    if (JSON.stringify(v) !== JSON.stringify(saved[k]))
      throw new WgnoError(
        'loadCheckpoint',
        `the checkpoint's ${k} is ${JSON.stringify(saved[k])} but this trainer's is ${JSON.stringify(v)}; resume with the same settings`,
      );
}

/**
 * Node only: write a checkpoint's safetensors file (which embeds the state) atomically
 * (writeFileAtomic: a crash never leaves a torn file).
 *
 * @example
 * await writeCheckpointFile('runs/ns.safetensors', await trainer.saveCheckpoint());
 */
export async function writeCheckpointFile(path: string, ckpt: Checkpoint): Promise<void> {
  await writeFileAtomic(path, ckpt.weights);
}

/** Node only: read a file written by writeCheckpointFile (the state comes from its metadata). */
export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  const fs = await nodeFs('readCheckpointFile');
  const weights = new Uint8Array(await fs.readFile(path));
  const state = parseSafetensors(weights).metadata[STATE_KEY];
  if (state === undefined)
    throw new WgnoError('readCheckpointFile', `${path} has no '${STATE_KEY}' metadata`);
  return { weights, state };
}
