/**
 * i32 index tensors: the integer inputs of message passing (CSR neighbourhoods, permutations).
 * They are graph leaves like any other, but only ops that declare them in `OpDef.indexInputs`
 * accept them, and they never require a gradient.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Engine } from './engine';
import { checkShape, numel, type Shape } from './shape';
import { Tensor, toI32 } from './tensor';

/** Zero-size tensors are not supported by the executor; say so in the message of the caller. */
function checkIndexShape(op: string, shape: Shape): void {
  if (shape.some((d) => d === 0))
    throw new WgnoError(
      op,
      `shape ${fmtShape(shape)} is empty; zero-size tensors are not supported (an empty neighbourhood list, nnz = 0, has to be handled before building the graph)`,
    );
  checkShape(op, 'shape', shape);
}

/**
 * A leaf i32 tensor holding `data` (default shape [data.length]). Values must be integers in the
 * int32 range; range checks against what they index are the caller's (see buildCsr).
 *
 * @example
 * const index = indexTensor(rt, Int32Array.of(0, 2, 1, 1)); // [4] i32
 */
export function indexTensor(
  rt: Engine,
  data: ArrayLike<number>,
  opts: { shape?: Shape; label?: string } = {},
): Tensor {
  rt.assertUsable('indexTensor');
  const shape = opts.shape ?? [data.length];
  checkIndexShape('indexTensor', shape);
  const values = toI32('indexTensor', data, shape);
  const buffer = rt.createBuffer({
    label: opts.label ?? `index[${shape.join('x')}]`,
    size: values.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  rt.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, values.byteLength);
  return new Tensor(rt, { shape, dtype: 'i32' }, null, [], null, false, buffer);
}

/**
 * An i32 tensor over an existing GPU buffer (e.g. indices a neighbour-search kernel wrote), with
 * no copy. The buffer needs STORAGE usage and at least 4 * numel(shape) bytes; it stays the
 * caller's: destroying the tensor does not destroy it. Its contents are not validated.
 */
export function indexTensorFromBuffer(
  rt: Engine,
  buffer: GPUBuffer,
  shape: Shape,
  label = 'index tensor',
): Tensor {
  rt.assertUsable('indexTensorFromBuffer');
  checkIndexShape('indexTensorFromBuffer', shape);
  const bytes = 4 * numel(shape);
  if (buffer.size < bytes)
    throw new WgnoError(
      'indexTensorFromBuffer',
      `${label}: buffer of ${buffer.size} bytes is too small for i32 ${fmtShape(shape)} (${bytes} bytes)`,
    );
  if (!(buffer.usage & GPUBufferUsage.STORAGE))
    throw new WgnoError(
      'indexTensorFromBuffer',
      `${label}: the buffer needs GPUBufferUsage.STORAGE to be bound by kernels`,
    );
  return new Tensor(rt, { shape, dtype: 'i32' }, null, [], null, false, buffer, false);
}
