/** `wgno info FILE`: the tensors (name, dtype, shape, bytes) and metadata of a safetensors file. */
import { parseSafetensors } from '../io/safetensors';
import { readInputFile } from './files';

export async function info(path: string): Promise<string> {
  const { tensors, metadata } = parseSafetensors(await readInputFile('info', path, 'the file'));
  const rows = [...tensors].map(([name, t]) => {
    const bytes = t.data.byteLength;
    return `${name}\t${t.dtype}\t[${t.shape.join(', ')}]\t${bytes} B`;
  });
  const meta = Object.entries(metadata).map(
    ([k, v]) => `  ${k} = ${v.length > 200 ? `${v.slice(0, 200)}...` : v}`,
  );
  return [
    `${path}: ${tensors.size} tensor(s)`,
    ...rows,
    ...(meta.length ? ['metadata:', ...meta] : []),
  ].join('\n');
}
