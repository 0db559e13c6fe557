import { expect } from 'vitest';
import { WgnoError } from '../../src/errors';

/** Calls `f` and checks that it throws a WgnoError of `op` whose message matches `message`. */
export function expectWgnoError(f: () => unknown, op: string, message: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WgnoError);
  expect((caught as WgnoError).op).toBe(op);
  expect((caught as WgnoError).message).toMatch(message);
}
