/**
 * `wgno report`: the loss curves of a training run (its log.csv) as one self-contained HTML file,
 * drawn by uPlot (inlined, so the file opens offline from anywhere). `wgno train` also rewrites
 * report.html in its output folder after every epoch.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { WgnoError } from '../errors';
import { writeFileAtomic } from '../io/atomic_file';
import { checkOutputFile } from './files';

export interface TrainingLog {
  epoch: number[];
  train: number[];
  test: number[];
  lr: number[];
  seconds: number[];
}

const COLUMNS = ['epoch', 'train_rel_l2', 'test_rel_l2', 'lr', 'seconds'] as const;

/** Parses wgno train's log.csv; names the line and column of anything malformed. */
export function parseTrainingLog(csv: string, name = 'log.csv'): TrainingLog {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  const at = COLUMNS.map((c) => header.indexOf(c));
  if (lines.length === 0 || at.some((i) => i < 0))
    throw new WgnoError(
      'report',
      `${name} must start with the header ${COLUMNS.join(',')} (wgno train's log), got '${lines[0] ?? ''}'`,
    );
  const log: TrainingLog = { epoch: [], train: [], test: [], lr: [], seconds: [] };
  const fields = [log.epoch, log.train, log.test, log.lr, log.seconds];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',');
    at.forEach((col, k) => {
      const v = Number(cells[col]);
      if (cells[col] === undefined || cells[col].trim() === '' || Number.isNaN(v))
        throw new WgnoError(
          'report',
          `${name} line ${i + 2}: ${COLUMNS[k]} is '${cells[col] ?? ''}'; need a number`,
        );
      fields[k].push(v);
    });
  });
  return log;
}

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  return { js: join(dir, 'uPlot.iife.min.js'), css: join(dir, 'uPlot.min.css') };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The HTML report: relative L2 errors per epoch (log scale) and the learning rate. */
export async function renderReport(log: TrainingLog, title: string): Promise<string> {
  const assets = uplotAssets();
  const [js, css] = await Promise.all([readFile(assets.js, 'utf8'), readFile(assets.css, 'utf8')]);
  const last = log.epoch.length - 1;
  const summary =
    last < 0
      ? 'No epoch finished yet.'
      : `${log.epoch[last]} epochs in ${log.seconds[last]} s; last train ${log.train[last].toPrecision(4)}, test ${log.test[last].toPrecision(4)} (relative L2).`;
  const data = JSON.stringify([log.epoch, log.train, log.test, log.lr]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${css}
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p id="summary">${escapeHtml(summary)}</p>
<div id="errors"></div><div id="lr"></div>
<script>${js}</script>
<script>
const [epoch, train, test, lr] = ${data};
const axis = { stroke: 'currentColor' };
new uPlot({ title: 'relative L2 error', width: 800, height: 360, scales: { x: { time: false }, y: { distr: 3 } },
  axes: [{ ...axis, label: 'epoch' }, { ...axis, size: 70 }],
  series: [{ label: 'epoch' }, { label: 'train', stroke: '#2166ac', width: 2 }, { label: 'test', stroke: '#b2182b', width: 2 }] },
  [epoch, train, test], document.getElementById('errors'));
new uPlot({ title: 'learning rate', width: 800, height: 200, scales: { x: { time: false }, y: { distr: 3 } },
  axes: [{ ...axis, label: 'epoch' }, { ...axis, size: 70 }],
  series: [{ label: 'epoch' }, { label: 'lr', stroke: '#555', width: 2 }] },
  [epoch, lr], document.getElementById('lr'));
</script></body></html>
`;
}

/** Writes `out` (default: report.html beside the log) from a run folder or a log.csv. */
export async function report(path: string, out?: string): Promise<string> {
  const logPath = path.endsWith('.csv') ? path : join(path, 'log.csv');
  let csv: string;
  try {
    csv = await readFile(logPath, 'utf8');
  } catch (e) {
    throw new WgnoError('report', `cannot read ${logPath}: ${(e as Error).message}`);
  }
  const target = out ?? join(dirname(logPath), 'report.html');
  if (out) await checkOutputFile('report', out, '--out');
  const log = parseTrainingLog(csv, logPath);
  const title = `wgno training: ${basename(dirname(logPath)) || logPath}`;
  await writeFileAtomic(target, new TextEncoder().encode(await renderReport(log, title)));
  return target;
}
