/**
 * Loading a trained FNO over HTTP (or from any URL `fetch` takes, or in Node from files): the weights
 * as safetensors with neuraloperator names, and the config.json that `wgno train` writes beside them.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { nodeFs } from '../io/node_fs';
import { readSafetensors } from '../io/safetensors';
import { FNO, type FNOConfig } from './fno';

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

/**
 * Fetches config.json and the weights, builds the FNO and loads the weights into it. Each of
 * `weightsUrl` and `configUrl` is a URL (`fetch`), or in Node also a file path or file: URL.
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
  const [w, c] = await Promise.all([
    readSource(weightsUrl, 'weights'),
    readSource(configUrl, 'config'),
  ]);
  const config = parseSavedConfig('loadFNO', new TextDecoder().decode(c), configUrl);
  const fno = new FNO(rt, config.model);
  fno.loadStateDict(readSafetensors(w));
  return { fno, config };
}

/**
 * `wgno train`'s config.json from its text, checked to hold a "model" object; `op` and `name`
 * (the file or URL) go into the error.
 */
export function parseSavedConfig(op: string, text: string, name: string): SavedFNOConfig {
  let config: SavedFNOConfig;
  try {
    config = JSON.parse(text) as SavedFNOConfig;
  } catch (e) {
    throw new WgnoError(op, `the config ${name} is not JSON: ${String(e)}`);
  }
  if (typeof config !== 'object' || config === null || typeof config.model !== 'object')
    throw new WgnoError(
      op,
      `the config ${name} has no "model" object; expected wgno train's config.json ({ "model": { "nModes": [...], "hiddenChannels": ..., ... }, "tIn": ... })`,
    );
  return config;
}
