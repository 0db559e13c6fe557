/**
 * The model API's user errors: loadStateDict checks everything before writing anything (and
 * rejects non-finite weights unless allowed), configs are WgnoErrors, a grid too coarse for the
 * kept modes is reported in the model's terms, and loadFNO reads files in Node.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WgnoError } from '../../src/errors';
import type { HostTensor } from '../../src/io/host_tensor';
import { writeSafetensors } from '../../src/io/safetensors';
import { FNO, type FNOConfig } from '../../src/models/fno';
import { GINO } from '../../src/models/gino';
import { GNO } from '../../src/models/gno';
import { loadFNO } from '../../src/models/load';
import { TFNO } from '../../src/models/tfno';
import { init, type Runtime } from '../../src/runtime/runtime';
import { expectWgnoError } from '../util/errors';

const cfg: FNOConfig = {
  nModes: [4, 4],
  inChannels: 1,
  outChannels: 1,
  hiddenChannels: 4,
  nLayers: 1,
};
let rt: Runtime;
beforeAll(async () => {
  rt = await init();
});
afterAll(() => rt?.destroy());

/** A state dict of the model's shapes filled with `v`. */
async function filled(model: FNO, v: number): Promise<Map<string, HostTensor>> {
  const sd = await model.stateDict();
  for (const t of sd.values()) t.data.fill(v);
  return sd;
}

describe('loadStateDict', () => {
  it('leaves the model unchanged when any key is missing, extra or mis-shaped', async () => {
    const model = new FNO(rt, cfg);
    const before = await model.stateDict();
    const names = [...before.keys()];
    const last = names.at(-1)!;
    const missing = await filled(model, 0.5);
    missing.delete(last);
    const extra = await filled(model, 0.5);
    extra.set('unknown.weight', { dtype: 'f32', shape: [1], data: new Float32Array(1) });
    const shaped = await filled(model, 0.5);
    const t = shaped.get(last)!;
    shaped.set(last, { ...t, shape: [...t.shape, 1] });
    const cases: [Map<string, HostTensor>, RegExp][] = [
      [missing, new RegExp(`missing key '${last}'`)],
      [extra, /unexpected key 'unknown.weight'/],
      [shaped, new RegExp(`'${last}' is f32 .* but the model expects`)],
    ];
    for (const [sd, message] of cases) {
      expectWgnoError(() => model.loadStateDict(sd), 'loadStateDict', message);
      expect(await model.stateDict()).toEqual(before);
    }
  });

  it('rejects NaN and infinite weights unless allowNonFinite', async () => {
    const model = new FNO(rt, cfg);
    const before = await model.stateDict();
    const sd = await filled(model, 0.25);
    const last = [...sd.keys()].at(-1)!;
    sd.get(last)!.data[0] = Number.NaN;
    expectWgnoError(
      () => model.loadStateDict(sd),
      'loadStateDict',
      new RegExp(`'${last}' holds NaN at flat index 0; pass \\{ allowNonFinite: true \\}`),
    );
    const first = [...sd.keys()][0];
    const inf = await filled(model, 0.25);
    inf.get(first)!.data[1] = -Infinity;
    expectWgnoError(
      () => model.loadStateDict(inf),
      'loadStateDict',
      new RegExp(`'${first}' holds -Infinity at flat index 1`),
    );
    expect(await model.stateDict()).toEqual(before);
    model.loadStateDict(sd, { allowNonFinite: true });
    expect(Number.isNaN((await model.stateDict()).get(last)!.data[0])).toBe(true);
  });
});

describe('config and resolution errors', () => {
  it('a missing config is a WgnoError for every model, not a TypeError', () => {
    const make = [
      ['FNO', () => new (FNO as new (rt: Runtime) => FNO)(rt)],
      ['TFNO', () => new (TFNO as new (rt: Runtime) => TFNO)(rt)],
      ['GNO', () => new (GNO as new (rt: Runtime) => GNO)(rt)],
      ['GINO', () => new (GINO as unknown as new (rt: Runtime, c: null) => GINO)(rt, null)],
    ] as const;
    for (const [op, f] of make)
      expectWgnoError(
        f,
        op,
        new RegExp(`needs a config object with inChannels|needs a config object with nModes`),
      );
  });

  it('a grid too coarse for the kept modes names the axis, points, modes and need', () => {
    const model = new FNO(rt, { ...cfg, nModes: [4, 6] });
    const x = (s: number[]) => rt.tensor(new Float32Array(s.reduce((a, b) => a * b)), s);
    expectWgnoError(
      () => model.forward(x([1, 1, 3, 8])),
      'FNO',
      /spatial axis 0 \(input axis 2\) has 3 points, but nModes\[0\] = 4 keeps 4 modes, which need at least 4 points/,
    );
    expectWgnoError(
      () => model.forward(x([1, 1, 4, 5])),
      'FNO',
      /spatial axis 1 \(input axis 3\) has 5 points, but nModes\[1\] = 6 keeps 4 half-spectrum bins, which need at least 6 points/,
    );
    expect(model.forward(x([1, 1, 4, 6])).shape).toEqual([1, 1, 4, 6]); // exactly enough
    // 0.25 * 5 rounds to 1 point on each side: the spectral convolutions see 7.
    const padded = new FNO(rt, { ...cfg, nModes: [8, 4], domainPadding: 0.25 });
    expectWgnoError(
      () => padded.forward(x([1, 1, 5, 8])),
      'FNO',
      /has 5 points \(7 with domainPadding\), but nModes\[0\] = 8/,
    );
  });
});

describe('loadFNO in Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wgno-loadfno-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file path or a file: URL', async () => {
    const model = new FNO(rt, cfg);
    writeFileSync(join(dir, 'w.safetensors'), writeSafetensors(await model.stateDict()));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ model: cfg, tIn: 1 }));
    const byPath = await loadFNO(rt, join(dir, 'w.safetensors'), join(dir, 'c.json'));
    expect(await byPath.fno.stateDict()).toEqual(await model.stateDict());
    const url = (f: string) => pathToFileURL(join(dir, f)).href;
    const byUrl = await loadFNO(rt, url('w.safetensors'), url('c.json'));
    expect(byUrl.config.tIn).toBe(1);
    await expect(loadFNO(rt, join(dir, 'nope.safetensors'), join(dir, 'c.json'))).rejects.toThrow(
      WgnoError,
    );
    await expect(loadFNO(rt, join(dir, 'nope.safetensors'), join(dir, 'c.json'))).rejects.toThrow(
      /loadFNO: could not read the weights .*nope\.safetensors/,
    );
  });
});
