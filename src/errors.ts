/**
 * Every error wgno throws on purpose is a WgnoError. `op` names the operation (or subsystem) that
 * rejected its input, so callers can tell a shape bug from a device problem.
 */
export class WgnoError extends Error {
  /** The operation or subsystem that threw, e.g. 'matmul', 'loadStateDict', 'device'. */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'WgnoError';
    this.op = op;
  }
}

/** The GPU device is gone (driver reset, destroy(), tab backgrounded too long). Re-run init(). */
export class DeviceLostError extends WgnoError {
  constructor(reason: string) {
    super('device', `the GPU device was lost (${reason}); call init() again to get a new Runtime`);
    this.name = 'DeviceLostError';
  }
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
