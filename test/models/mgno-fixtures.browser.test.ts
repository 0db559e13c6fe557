// MgNO fixtures in headless Chromium ('auto' kernels).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { MGNO_FIXTURES, checkMgNOFixture, expectMgNOErrors } from './mgno-fixtures';

describe('MgNO vs the official MgNO_DC / MgNO_NS (transcribed; browser)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  for (const name of MGNO_FIXTURES)
    it(name, async () => expectMgNOErrors(name, await checkMgNOFixture(rt, name)));
});
