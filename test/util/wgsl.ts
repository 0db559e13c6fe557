import { expect } from 'vitest';

/** WGSL text without comments and whitespace, for comparing declarations across files. */
export const squash = (s: string): string => s.replace(/\/\/.*$/gm, '').replace(/\s+/g, '');

/** The text of WGSL function `name` (up to its closing brace at column 0). */
export function wgslFn(source: string, name: string): string {
  const start = source.indexOf(`fn ${name}(`);
  expect(start, `fn ${name} is defined`).toBeGreaterThanOrEqual(0);
  return source.slice(start, source.indexOf('\n}', start) + 2);
}
