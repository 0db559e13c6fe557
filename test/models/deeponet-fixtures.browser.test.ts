// DeepONet fixtures in headless Chromium ('auto' kernels).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { DEEPONET_FIXTURES, checkDeepONetFixture, expectDeepONetErrors } from './deeponet-fixtures';

describe('DeepONet vs DeepXDE transcription (browser)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  for (const name of DEEPONET_FIXTURES)
    it(name, async () => expectDeepONetErrors(name, await checkDeepONetFixture(rt, name)));
});
