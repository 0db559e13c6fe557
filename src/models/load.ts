/**
 * Loading a trained model (FNO, MgNO or space-time FNO) over HTTP (or from any URL `fetch` takes, or in Node from files): the weights
 * as safetensors with neuraloperator names, and the config.json that `wgno train` writes beside them.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { nodeFs } from '../io/node_fs';
import { readSafetensors } from '../io/safetensors';
import type { FNO, FNOConfig } from './fno';
import { buildModel, parseModelConfig, type KindedModel, type SavedModelConfig } from './registry';

/** `wgno train`'s config.json: the model, and the rollout window it was trained with. */
export interface SavedFNOConfig {
  /** The FNO's constructor config. */
  model: FNOConfig;
  /** Input time steps (channels) and steps predicted per call. */
  tIn?: number;
  /** Rollout steps it was trained over. */
  tOut?: number;
}

/** What `loadFNO` returns. */
export interface LoadedFNO {
  /** The model, its weights loaded. */
  fno: FNO;
  /** The parsed config.json. */
  config: SavedFNOConfig;
}

/** What `loadModel` returns: the model with its kind (narrow on `kind`) and its parsed config. */
export type LoadedModel = KindedModel & {
  /** The parsed config.json. */
  config: SavedModelConfig;
};

/** A path in Node: anything without a URL scheme (one letter before ':' is a Windows drive). */
function isNodePath(where: string): boolean {
  const node = typeof process !== 'undefined' && !!process.versions?.node;
  return node && (where.startsWith('file:') || !/^[a-z][a-z0-9+.-]+:/i.test(where));
}

/** The bytes of a file (Node: a path or file: URL) or of any URL `fetch` takes. */
async function readSource(where: string, what: string): Promise<ArrayBuffer | Uint8Array> {
  if (isNodePath(where)) {
    const fs = await nodeFs('loadFNO');
    const path = where.startsWith('file:') ? new URL(where) : where;
    try {
      return new Uint8Array(await fs.readFile(path));
    } catch (e) {
      throw new WgnoError(
        'loadFNO',
        `could not read the ${what} ${where}: ${(e as Error).message}`,
      );
    }
  }
  let res: Response;
  try {
    res = await fetch(where);
  } catch (e) {
    throw new WgnoError('loadFNO', `could not fetch the ${what} ${where}: ${String(e)}`);
  }
  if (!res.ok) throw new WgnoError('loadFNO', `the ${what} ${where} gave HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** Reads config.json and the weights; builds the model of the config and loads the weights. */
async function load(
  rt: Runtime,
  weightsUrl: string,
  configUrl: string,
): Promise<KindedModel & { config: SavedModelConfig }> {
  const [w, c] = await Promise.all([
    readSource(weightsUrl, 'weights'),
    readSource(configUrl, 'config'),
  ]);
  const config = parseModelConfig('loadModel', new TextDecoder().decode(c), configUrl);
  const built = buildModel(rt, config);
  built.model.loadStateDict(readSafetensors(w));
  return { ...built, config } as KindedModel & { config: SavedModelConfig };
}

/**
 * Fetches config.json and the weights of a run of any kind (FNO, MgNO, space-time FNO; see
 * models/registry.ts), builds the model and loads the weights into it. Each of `weightsUrl` and
 * `configUrl` is a URL (`fetch`), or in Node also a file path or file: URL.
 *
 * @example
 * const rt = await init();
 * const m = await loadModel(rt, 'ns2d-refiner/weights.safetensors', 'ns2d-refiner/config.json');
 * if (m.kind === 'spacetime_fno') console.log(await m.model.forward(x, 10).read());
 */
export async function loadModel(
  rt: Runtime,
  weightsUrl: string,
  configUrl: string,
): Promise<LoadedModel> {
  return load(rt, weightsUrl, configUrl);
}

/**
 * Fetches config.json and the weights, builds the FNO and loads the weights into it. Each of
 * `weightsUrl` and `configUrl` is a URL (`fetch`), or in Node also a file path or file: URL.
 * A config of another kind is an error (loadModel reads any kind).
 *
 * @example
 * const rt = await init();
 * const { fno, config } = await loadFNO(rt, 'model/weights.safetensors', 'model/config.json');
 * const y = fno.forward(rt.tensor(x, [1, config.tIn ?? 1, 64, 64]));
 * console.log(await y.read());
 */
export async function loadFNO(
  rt: Runtime,
  weightsUrl: string,
  configUrl: string,
): Promise<LoadedFNO> {
  const m = await load(rt, weightsUrl, configUrl);
  if (m.kind !== 'fno')
    throw new WgnoError(
      'loadFNO',
      `${configUrl} holds a '${m.kind}' model, not an FNO; load it with loadModel`,
    );
  return { fno: m.model, config: m.config as SavedFNOConfig };
}
