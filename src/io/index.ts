/**
 * Weight interchange: safetensors and .npy to and from host tensors. No GPU needed; upload the
 * results with `rt.tensor(t.data, t.shape, { dtype: t.dtype })`.
 */
export { asComplex, type HostTensor } from './host_tensor';
export {
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
  type SafetensorsFile,
} from './safetensors';
export { readNpy, writeNpy } from './npy';
export { fromCornerBlocks, convertCornerBlocks, type CenteredWeight } from './corner_blocks';
export { writeFileAtomic } from './atomic_file';
