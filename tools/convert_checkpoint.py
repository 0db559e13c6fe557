#!/usr/bin/env python3
"""Convert PyTorch checkpoints to safetensors for wgno, and back.

    python tools/convert_checkpoint.py model.pt out.safetensors
    python tools/convert_checkpoint.py --to-torch in.safetensors out.pt

The checkpoint may be a state_dict, a dict holding one under 'state_dict' or 'model', or a whole
nn.Module. Complex tensors are written as C64 (complex128 is narrowed), floating ones as F32;
entries that are not floating/complex tensors (neuralop's '_metadata', integer counters such as
BatchNorm's num_batches_tracked) are dropped and listed. Needs only torch, numpy and the stdlib:
the safetensors format (https://github.com/huggingface/safetensors) is written by hand.
"""
import argparse
import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch

# safetensors dtype -> numpy little-endian dtype (BF16 is read as raw uint16, see read_safetensors).
NP_DTYPES = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'BF16': '<u2', 'C64': '<c8',
             'I32': '<i4', 'I64': '<i8'}


def load_checkpoint(path):
    """torch.load, preferring the safe weights-only unpickler; whole modules need the full one."""
    try:
        return torch.load(path, map_location='cpu', weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        return torch.load(path, map_location='cpu')
    except Exception as e:  # noqa: BLE001 - any unpickling refusal
        print(f'note: weights-only load failed ({type(e).__name__}); loading with the full '
              f'unpickler, which runs code from the file: only do this for files you trust',
              file=sys.stderr)
        return torch.load(path, map_location='cpu', weights_only=False)


def extract_state_dict(obj):
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ('state_dict', 'model'):
            inner = obj.get(key)
            if isinstance(inner, torch.nn.Module):
                return inner.state_dict()
            if isinstance(inner, dict):
                return inner
        return obj
    raise SystemExit(f'error: checkpoint is a {type(obj).__name__}; expected a state_dict '
                     f"(dict of tensors), a dict with 'state_dict' or 'model', or an nn.Module")


def to_numpy(t):
    """complex -> '<c8', floating -> '<f4', anything else -> None (dropped)."""
    if not isinstance(t, torch.Tensor):
        return None
    t = t.detach().cpu().contiguous()
    if t.is_complex():
        return t.to(torch.complex64).numpy().astype('<c8'), 'C64'
    if t.is_floating_point():
        return t.to(torch.float32).numpy().astype('<f4'), 'F32'
    return None


def write_safetensors(path, arrays, metadata):
    """arrays: {name: (np.ndarray, dtype_str)}. Sorted names, header space-padded to 8 bytes."""
    header, offset = {'__metadata__': metadata}, 0
    names = sorted(arrays)
    for name in names:
        arr, dtype = arrays[name]
        header[name] = {'dtype': dtype, 'shape': list(arr.shape),
                        'data_offsets': [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    blob = json.dumps(header, separators=(',', ':')).encode('utf-8')
    blob += b' ' * (-len(blob) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(blob)))
        f.write(blob)
        for name in names:
            f.write(arrays[name][0].tobytes())


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    data, tensors = raw[8 + n:], OrderedDict()
    for name in sorted(header):
        info = header[name]
        begin, end = info['data_offsets']
        if info['dtype'] not in NP_DTYPES:
            raise SystemExit(f"error: tensor '{name}' has dtype {info['dtype']}; "
                             f'this script reads {", ".join(NP_DTYPES)}')
        arr = np.frombuffer(data[begin:end], dtype=NP_DTYPES[info['dtype']])
        if info['dtype'] == 'BF16':  # bfloat16 = top half of a float32
            arr = (arr.astype('<u4') << 16).view('<f4')
        tensors[name] = torch.from_numpy(arr.reshape(info['shape']).copy())
    return tensors, metadata


def to_safetensors(src, dst):
    state = extract_state_dict(load_checkpoint(src))
    arrays = {}
    for name, value in state.items():
        converted = to_numpy(value)
        if converted is None:
            print(f'  dropped {name} ({type(value).__name__}'
                  f'{", " + str(value.dtype) if isinstance(value, torch.Tensor) else ""})')
            continue
        arrays[name] = converted
        print(f'  {name}: {converted[1]} {list(converted[0].shape)}')
    write_safetensors(dst, arrays, {'format': 'pt', 'source': os.path.basename(src)})
    print(f'wrote {len(arrays)} tensors to {dst}')


def to_torch(src, dst):
    tensors, metadata = read_safetensors(src)
    for name, t in tensors.items():
        print(f'  {name}: {t.dtype} {list(t.shape)}')
    if metadata:
        print(f'  metadata: {metadata}')
    torch.save(tensors, dst)
    print(f'wrote {len(tensors)} tensors to {dst}')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--to-torch', action='store_true', help='safetensors -> torch state_dict')
    p.add_argument('src')
    p.add_argument('dst')
    args = p.parse_args()
    (to_torch if args.to_torch else to_safetensors)(args.src, args.dst)


if __name__ == '__main__':
    main()
