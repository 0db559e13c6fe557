/**
 * Runs the `wgno` command in this process (main(argv), as bin/wgno.mjs does) and collects what it
 * prints; a user error must come back as a status and one line, never as a thrown error.
 */
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

export async function wgno(...args: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const collect = (to: string[]) => (chunk: unknown) => (to.push(String(chunk)), true);
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(collect(out)),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect(err)),
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => out.push(`${a.join(' ')}\n`)),
  ];
  try {
    const status = await main(['node', 'wgno', ...args]);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const s of spies) s.mockRestore();
    process.exitCode = undefined;
  }
}

/** A user error: status 1 and exactly one line on stderr, `wgno: ...`, without a stack. */
export function oneLineError(r: Ran): string {
  const lines = r.stderr.trim().split('\n');
  if (r.status !== 1 || lines.length !== 1 || !lines[0].startsWith('wgno: '))
    throw new Error(`expected one error line and status 1, got ${r.status}:\n${r.stderr}`);
  return lines[0];
}
