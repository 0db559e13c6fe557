/**
 * Reads the float64 fixtures of test/fixtures/ns/ (tools/fixtures/make_ns_fixtures.py): the
 * safetensors readers decode to float32, so each float64 array is stored as an F32 pair
 * `<name>_hi` = f32(x), `<name>_lo` = f32(x - hi), and hi + lo is x to about 2^-48 relative.
 */
import { parseSafetensors, type HostTensor } from '../../src/index';
import { loadFixture } from '../util/fixtures';

export interface NsFixture {
  get(name: string): HostTensor;
  /** The float64 array stored as `<name>_hi` + `<name>_lo`. */
  f64(name: string): Float64Array;
  metadata: Record<string, string>;
}

export async function loadNsFixture(file: string): Promise<NsFixture> {
  const { tensors, metadata } = parseSafetensors(await loadFixture(`ns/${file}`));
  const get = (name: string): HostTensor => {
    const t = tensors.get(name);
    if (t === undefined) throw new Error(`ns/${file} has no tensor '${name}'`);
    return t;
  };
  const f64 = (name: string): Float64Array => {
    const lo = get(`${name}_lo`).data;
    return Float64Array.from(get(`${name}_hi`).data, (v, i) => v + lo[i]);
  };
  return { get, f64, metadata };
}
