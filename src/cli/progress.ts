/**
 * Progress bars for long CLI jobs (cli-progress): a bar with ETA on a terminal, and a plain line
 * every 10% when stderr is not one (CI logs, pipes). An update may carry a note (train's loss
 * and test error): shown beside the bar, and always printed as a line when stderr is no terminal.
 */
import { SingleBar, Presets } from 'cli-progress';
import { init, type Runtime } from '../runtime/runtime';

export interface Progress {
  update(done: number, total: number, note?: string): void;
  stop(): void;
}

export function progressBar(label: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}{note}`,
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, note) {
        if (!started) bar.start(total, 0, { note: '' });
        started = true;
        bar.update(done, { note: note ? ` | ${note}` : '' });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastTenth = -1;
  const t0 = Date.now();
  return {
    update(done, total, note) {
      const tenth = Math.floor((10 * done) / total);
      if (tenth === lastTenth && !note) return;
      lastTenth = tenth;
      const s = (Date.now() - t0) / 1000;
      const eta = done > 0 ? (s * (total - done)) / done : NaN;
      process.stderr.write(
        `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%), ${s.toFixed(0)} s elapsed, ETA ${eta.toFixed(0)} s${note ? `; ${note}` : ''}\n`,
      );
    },
    stop() {},
  };
}

/**
 * A long GPU job of the command: a runtime and a progress bar, both released however the job
 * ends (finished, failed or interrupted).
 */
export async function gpuJob<T>(
  label: string,
  job: (rt: Runtime, bar: Progress) => Promise<T>,
): Promise<T> {
  const rt = await init();
  const bar = progressBar(label);
  try {
    return await job(rt, bar);
  } finally {
    bar.stop();
    rt.destroy();
  }
}
