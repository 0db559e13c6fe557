import { WgnoError } from '../errors';
import type { TensorSpec } from '../graph/shape';

/** Shared shape rule of f32-only elementwise ops: same shape out, dtype checked. */
export function requireF32(op: string, specs: readonly TensorSpec[]): void {
  specs.forEach((s, i) => {
    if (s.dtype !== 'f32') {
      throw new WgnoError(op, `input ${i} has dtype ${s.dtype}; ${op} supports f32 only`);
    }
  });
}

/** A scalar argument must be a finite number. */
export function requireFinite(op: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new WgnoError(op, `${name} must be a finite number, got ${String(v)}`);
  }
}
