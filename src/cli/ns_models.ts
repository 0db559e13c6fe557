/**
 * The Navier-Stokes models of `wgno train` and `wgno eval`, by kind. The FNO and MgNO are one-step
 * maps of the FNO paper's rollout: tIn frames as channels [B, tIn, s, s] in, the next frame out,
 * fed back autoregressively. The space-time FNO maps a window of tIn frames [B, s, s, tIn]
 * (channels-last) to the next tOut frames at once. Each run's config.json holds the constructor
 * config with its `kind` (models/registry.ts), which is all loading needs.
 */
import { WgnoError } from '../errors';
import type { HostTensor } from '../io/host_tensor';
import type { FNOConfig } from '../models/fno';
import type { MgNOConfig } from '../models/mgno';
import type { SpaceTimeFNOConfig } from '../models/spacetime_fno';
import { checkGridLevels, resolveMgNO } from '../models/mgno_config';
import type { KindedModel, SavedModelConfig } from '../models/registry';
import { buildModel } from '../models/registry';
import type { Module } from '../nn/module';
import { nsRolloutPairs } from '../pde/dataset';
import type { Runtime } from '../runtime/runtime';
import type { HostArray } from '../train/data';
import type { TrainableModel } from '../train/trainer_options';
import type { TrainConfig } from './config';

/**
 * Windows of trajectories first..first+count-1 of u [n, s, s, T]: u[..., 0:tIn] in and
 * u[..., tIn:tIn+tOut] out, both channels-last [count, s, s, frames].
 */
export function nsWindows(
  u: HostTensor,
  tIn: number,
  tOut: number,
  first = 0,
  count = u.shape[0] - first,
): { inputs: HostArray; targets: HostArray } {
  const [, s, , T] = u.shape;
  const take = (t0: number, len: number): HostArray => {
    const data = new Float32Array(count * s * s * len);
    for (let p = 0; p < count * s * s; p++)
      for (let k = 0; k < len; k++) data[p * len + k] = u.data[(first * s * s + p) * T + t0 + k];
    return { data, shape: [count, s, s, len] };
  };
  return { inputs: take(0, tIn), targets: take(tIn, tOut) };
}

/** The saved config (config.json) of a training config: constructor config with its kind. */
export function savedConfig(cfg: TrainConfig): SavedModelConfig {
  const window = { tIn: cfg.tIn, tOut: cfg.tOut };
  // The kind goes beside the constructor config; the constructors reject unknown keys.
  const { kind, ...ctor } = cfg.model;
  const seed = cfg.seed;
  switch (kind) {
    case 'mgno': {
      const model = { ...(ctor as Omit<MgNOConfig, 'inChannels'>), inChannels: cfg.tIn, seed };
      return { kind, model, ...window };
    }
    case 'spacetime_fno': {
      const model = { ...(ctor as SpaceTimeFNOConfig), outputSteps: cfg.tOut, seed };
      return { kind, model, ...window };
    }
    default: {
      const fno = ctor as Omit<FNOConfig, 'inChannels' | 'outChannels'>;
      const model = { ...fno, inChannels: cfg.tIn, outChannels: 1, seed };
      return { kind: 'fno', model, ...window };
    }
  }
}

/** The same without `kind` inside `model`: what config.json holds is `{ model: { kind, ... } }`. */
export function configJson(saved: SavedModelConfig): unknown {
  const { kind, model, ...rest } = saved;
  const { kind: _k, ...ctor } = model as { kind?: string };
  return { model: { kind, ...ctor }, ...rest };
}

/** A model with what training and scoring it on u need: data pairs and the Trainer's options. */
export interface NsModel {
  built: KindedModel;
  module: Module;
  trainable: TrainableModel;
  /** Trainer options: a one-step rollout, or channels-last windows. */
  trainerOptions: { rollout: { tIn: number; tOut: number } } | { layout: 'channels-last' };
  /** Trajectories in the data set. */
  total: number;
  /** Pairs of trajectories first..first+count-1. */
  pairs(first: number, count: number): { inputs: HostArray; targets: HostArray };
}

/**
 * Checks that a data set's grid s suits the model (MgNO halves it per level; the space-time FNO
 * keeps 2 * modes points) and gives a one-line error of `op` otherwise.
 */
export function checkGrid(op: string, saved: SavedModelConfig, s: number): void {
  if (saved.kind === 'mgno') {
    const r = resolveMgNO(op, saved.model);
    checkGridLevels(op, `the data's grid`, [s, s], r.numIteration.length, r.paddingMode);
  }
  if (saved.kind === 'spacetime_fno') {
    const c = saved.model;
    if (s < 2 * Math.max(c.modesX, c.modesY))
      throw new WgnoError(
        op,
        `the data's grid ${s} x ${s} is too small for modes ${c.modesX}, ${c.modesY}: the space-time FNO needs at least ${2 * Math.max(c.modesX, c.modesY)} points per side`,
      );
  }
}

/** Builds the model of `saved` and the data handling of its kind for u [n, s, s, T]. */
export function nsModel(rt: Runtime, saved: SavedModelConfig, u: HostTensor): NsModel {
  const built = buildModel(rt, saved);
  const tIn = saved.tIn ?? 10;
  const tOut = saved.tOut ?? 10;
  if (built.kind === 'spacetime_fno') {
    const model = built.model;
    return {
      built,
      module: model,
      trainable: {
        forward: (x) => model.forward(x, tOut),
        namedParameters: () => model.namedParameters(),
      },
      trainerOptions: { layout: 'channels-last' },
      total: u.shape[0],
      pairs: (first, count) => nsWindows(u, tIn, tOut, first, count),
    };
  }
  return {
    built,
    module: built.model,
    trainable: built.model,
    trainerOptions: { rollout: { tIn, tOut } },
    total: u.shape[0],
    pairs: (first, count) => nsRolloutPairs(u, tIn, tOut, first, count),
  };
}
