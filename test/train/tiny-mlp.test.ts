import { it } from 'vitest';
import { init } from '../../src/index';
import { trainTinyMlp } from './tiny-mlp';

it('trains a tiny MLP to near-zero loss with Adam in Node (webgpu package)', async () => {
  const rt = await init();
  try {
    await trainTinyMlp(rt);
  } finally {
    rt.destroy();
  }
});
