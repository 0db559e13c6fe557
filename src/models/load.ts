/**
 * Loading a trained FNO over HTTP (or from any URL `fetch` takes): the weights as safetensors with
 * neuraloperator names, and the config.json that `wgno train` writes beside them.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../gpu/runtime';
import { readSafetensors } from '../io/safetensors';
import { FNO, type FNOConfig } from './fno';

/** `wgno train`'s config.json: the model, and the rollout window it was trained with. */
export interface SavedFNOConfig {
  model: FNOConfig;
  /** Input time steps (channels) and steps predicted per call. */
  tIn?: number;
  tOut?: number;
}

export interface LoadedFNO {
  fno: FNO;
  config: SavedFNOConfig;
}

async function fetchOk(url: string, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new WgnoError('loadFNO', `could not fetch the ${what} ${url}: ${String(e)}`);
  }
  if (!res.ok) throw new WgnoError('loadFNO', `the ${what} ${url} gave HTTP ${res.status}`);
  return res;
}

/**
 * Fetches config.json and the weights, builds the FNO and loads the weights into it.
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
  const [w, c] = await Promise.all([fetchOk(weightsUrl, 'weights'), fetchOk(configUrl, 'config')]);
  const config = parseSavedConfig('loadFNO', await c.text(), configUrl);
  const fno = new FNO(rt, config.model);
  fno.loadStateDict(readSafetensors(await w.arrayBuffer()));
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
