/** `wgno report`: log.csv parsing (with errors that name the line) and the self-contained page. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainingLog, report } from '../../src/cli/report';
import { expectWgnoError } from '../util/errors';

const CSV =
  'epoch,train_rel_l2,test_rel_l2,lr,seconds\n1,0.5,0.4,0.001,10\n2,0.2,0.25,0.0005,20.5\n';

describe('wgno report', () => {
  it('parses the log', () => {
    expect(parseTrainingLog(CSV)).toEqual({
      epoch: [1, 2],
      train: [0.5, 0.2],
      test: [0.4, 0.25],
      lr: [0.001, 0.0005],
      seconds: [10, 20.5],
    });
  });

  it('names what is wrong in a malformed log', () => {
    expectWgnoError(() => parseTrainingLog('a,b\n1,2\n'), 'report', /must start with the header/);
    expectWgnoError(() => parseTrainingLog(''), 'report', /must start with the header/);
    const bad = CSV.replace('0.25', 'x');
    expectWgnoError(() => parseTrainingLog(bad), 'report', /line 3: test_rel_l2 is 'x'/);
    expectWgnoError(() => parseTrainingLog(`${CSV}3,0.1\n`), 'report', /line 4: test_rel_l2/);
  });

  it('writes a page with uPlot inlined and the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgno-report-'));
    try {
      writeFileSync(join(dir, 'log.csv'), CSV);
      const out = await report(dir);
      expect(out).toBe(join(dir, 'report.html'));
      const html = readFileSync(out, 'utf8');
      expect(html).toContain('[[1,2],[0.5,0.2],[0.4,0.25],[0.001,0.0005]]');
      expect(html).toMatch(/var uPlot=|uPlot=function|function uPlot/); // the library itself
      expect(html).not.toMatch(/<script src=|<link /); // nothing to fetch
      expect(html).toContain('2 epochs in 20.5 s');
      await expect(report(join(dir, 'missing'))).rejects.toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
