import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registeredOps } from '../../src/graph/registry';
import '../../src/runtime/runtime';

const root = join(import.meta.dirname, '../..');

describe('the engine as a one-way stack', () => {
  it('src/ obeys the layer rules of .dependency-cruiser.cjs (no upward import, no cycle)', () => {
    let report = '';
    try {
      execFileSync(
        process.execPath,
        [
          join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
          'src',
          '--config',
          '.dependency-cruiser.cjs',
          '--output-type',
          'err',
        ],
        { cwd: root, encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string };
      report = `${out.stdout ?? ''}${out.stderr ?? ''}`;
    }
    expect(report).toBe('');
  }, 120_000);

  it('graph/ names no op: no registered op name appears as a string in its code', () => {
    const ops = registeredOps();
    expect(ops).toContain('gelu'); // the runtime layer loaded every op
    const dir = join(root, 'src/graph');
    for (const file of readdirSync(dir)) {
      const code = readFileSync(join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const named = ops.filter((op) => code.includes(`'${op}'`) || code.includes(`"${op}"`));
      expect(named, `src/graph/${file}`).toEqual([]);
    }
  });

  it('registering an op name twice is an error', async () => {
    const { registerOp, opDef } = await import('../../src/graph/registry');
    expect(() => registerOp('gelu', opDef('gelu'))).toThrow(/'gelu' is already registered/);
    expect(() => opDef('no_such_op' as 'gelu')).toThrow(/no op 'no_such_op' is registered/);
  });
});
