import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Report } from '../../bench/gpu/report';

// `npm run bench:gpu` end to end on whatever adapter this machine has (SwiftShader in CI), at the
// --quick sizes and on its smallest part (the GNO layer, the 'lane' lowering, with jax-js): the
// script builds, runs, and writes a JSON file that matches its schema and is self-consistent.
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'wgno-bench-gpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench:gpu', () => {
  it(
    'writes one JSON file matching its schema (--quick, GNO, lane)',
    { timeout: 300_000 },
    async () => {
      const out = join(dir, 'bench-gpu.json');
      const args = ['scripts/bench-gpu.mjs', '--quick', '--lowerings', 'lane', '--models', 'gno'];
      await run(process.execPath, [...args, '--out', out], { timeout: 290_000 });
      const report = Report.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(report.complete).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.adapter.features.length).toBeGreaterThan(0);
      expect(report.bandwidth.kernelGBps).toBeGreaterThan(0);
      const wgno = report.steps.filter((s) => s.lib === 'wgno');
      expect(wgno.map((s) => `${s.kind} ${s.lowering}`)).toEqual(['fwd lane', 'fwd+bwd lane']);
      // One kernel table per wgno step; its dispatches and bytes add up, GB/s is bytes / time.
      expect(report.kernels.map((k) => k.step)).toEqual(wgno.map((s) => s.name));
      for (const [i, k] of report.kernels.entries()) {
        expect(k.rows.reduce((a, r) => a + r.dispatches, 0)).toBe(k.dispatches);
        expect(k.dispatches).toBe(wgno[i].dispatches);
        expect(k.rows.reduce((a, r) => a + r.bytes, 0)).toBe(k.bytes);
        for (const r of k.rows) if (r.ms > 0) expect(r.gbps).toBeCloseTo(r.bytes / r.ms / 1e6, 6);
      }
      // jax-js either ran the same rows and agreed with wgno, or says why not.
      const jax = report.peers['jax-js'];
      if (jax.available) {
        expect(report.steps.filter((s) => s.lib === 'jax-js')).toHaveLength(2);
        for (const v of Object.values(jax.agreement)) expect(v).toBeLessThan(1e-4);
      } else expect(jax.reason).toBeTruthy();
    },
  );
});
