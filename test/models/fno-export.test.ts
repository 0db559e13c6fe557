/**
 * Weights trained by wgno leave through writeSafetensors and come back identical. The file it
 * writes (test-results/wgno_fno2d_trained.safetensors: weights, input, wgno's output) is what
 * `/usr/bin/python3 tools/fixtures/check_wgno_weights.py <file>` loads into the PyTorch reference.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import {
  Adam,
  FNO,
  init,
  lpLoss,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
  type FNOConfig,
} from '../../src/index';
import { loadFixture } from '../util/fixtures';

it('exports trained FNO weights that read back bit for bit', async () => {
  const rt = await init();
  try {
    const { tensors, metadata } = parseSafetensors(await loadFixture('fno/fno2d.safetensors'));
    const model = new FNO(rt, JSON.parse(metadata.config) as FNOConfig);
    model.loadStateDict(tensors);
    const xin = tensors.get('__input__')!;
    const tgt = tensors.get('__target__')!;
    const x = rt.tensor(xin.data, xin.shape);
    const loss = lpLoss(model.forward(x), rt.tensor(tgt.data, tgt.shape));
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(model.namedParameters(), { lr: 1e-2 })],
    });
    for (let i = 0; i < 3; i++) step.run();
    const out = await model.forward(x).read();

    const sd = await model.stateDict();
    const bytes = writeSafetensors(
      new Map([
        ...sd,
        ['__input__', xin],
        [
          '__output__',
          { dtype: 'f32', shape: xin.shape.map((d, i) => (i === 1 ? 1 : d)), data: out },
        ],
      ]),
      {
        config: metadata.config,
      },
    );
    const back = readSafetensors(bytes);
    for (const [name, t] of sd) expect(back.get(name)!.data, name).toEqual(t.data);
    // The weights really changed from the fixture's.
    expect(sd.get('fno_blocks.convs.0.weight.tensor')!.data).not.toEqual(
      tensors.get('fno_blocks.convs.0.weight.tensor')!.data,
    );

    const dir = fileURLToPath(new URL('../../test-results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}wgno_fno2d_trained.safetensors`, bytes);
  } finally {
    rt.destroy();
  }
});
