#!/usr/bin/env python3
"""Trains wgno's SpaceTimeFNO in PyTorch on the CPU (float32), for when SwiftShader is too slow.

    /usr/bin/python3 tools/experiments/spacetime_fno_torch.py --train ns64_train.safetensors \
        --test ns64_test.safetensors --out run [--windows 3] [--epochs 20] [--deadline 22:30]

Why this exists: on this project's shared two-core machine, wgno's Trainer on SwiftShader needed
about 240 s per Adam step (batch 2, 64x64) at load 25, so a useful model could not be trained with
it in a session. The model here is the float64 PyTorch transcription of torch-cfd's SFNO that
test/models/spacetime_fno-fixtures.test.ts pins wgno's SpaceTimeFNO to (forward 5e-8, gradients
1e-6), run in float32, with wgno's parameter initialisation (torch-cfd's: spectral weights
0.5 / (in out) U[0, 1), Conv3d's default, norm 1 / 0, complex bias 0). The weights are written
under the same state_dict names, so `SpaceTimeFNO.loadStateDict` reads them; the wgno scripts
(spacetime_fno_refine.mjs) then evaluate them on the GPU.

Training as tools/experiments/spacetime_fno_ns.mjs: windows t = o+1..o+10 -> o+11..o+20 for the
offsets o < --windows of every trajectory, the loss the relative L2 of each predicted frame summed
over the batch, Adam, one-cycle learning rate (linear warm-up over the first 10% of the steps from
lr/10, then a cosine down to lr/500), batch 4. After every epoch: the held-out relative L2 (offset
0 only, the issue's t = 1..10 -> 11..20), `weights.safetensors`, `best.safetensors`, `log.csv`.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'test', 'fixtures', 'spacetime_fno'))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import make_spacetime_fno_fixtures as sfno_ref  # noqa: E402
import safetensors_io  # noqa: E402

T_IN = T_OUT = 10
_encoding64 = sfno_ref.encoding
sfno_ref.encoding = lambda *a: _encoding64(*a).float()  # float32 positional channels


def windows(path, count, every=1):
    u = safetensors_io.load(path)[0]['u'].float()[:, ::every, ::every]
    t = u.shape[-1]
    assert t >= T_IN + T_OUT + count - 1, f'{path}: {t} records, need {T_IN + T_OUT + count - 1}'
    x = torch.stack([u[..., o:o + T_IN] for o in range(count)], 1).flatten(0, 1)
    y = torch.stack([u[..., o + T_IN:o + T_IN + T_OUT] for o in range(count)], 1).flatten(0, 1)
    return x.contiguous(), y.contiguous()


def init_params(cfg, gen):
    """wgno's initialisation (torch-cfd's), under torch-cfd's state_dict names."""
    shapes = sfno_ref.parameters(torch.Generator().manual_seed(0), cfg)
    p = {}
    for name, t in shapes.items():
        shape = list(t.shape)
        if name.startswith('lifting_operator.norm.'):
            v = torch.ones(shape) if name.endswith('weight') else torch.zeros(shape)
        elif '.bias.' in name:  # the output layer's complex bias
            v = torch.zeros(shape)
        elif '.weight.' in name:  # spectral weights [in, out, mx, my, mt, 2]
            v = 0.5 / (shape[0] * shape[1]) * torch.rand(shape, generator=gen)
        else:  # Conv3d weight [out, in, 1, 1, 1] or bias [out]: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
            fan_in = shapes[name.replace('.bias', '.weight')].shape[1]
            v = (2 * torch.rand(shape, generator=gen) - 1) / math.sqrt(fan_in)
        p[name] = v.float().requires_grad_()
    return p


def rel_l2(pred, y):
    """[B, X, Y, T] -> [B, T]: relative L2 over the grid of each frame."""
    return (pred - y).pow(2).sum((1, 2)).sqrt() / y.pow(2).sum((1, 2)).sqrt()


def one_cycle(step, total, lr):
    warm = max(1, round(0.1 * total))
    if step < warm:
        return lr * (0.1 + 0.9 * step / warm)
    p = min(1.0, (step - warm) / max(1, total - warm))
    return lr / 500 + (lr - lr / 500) * 0.5 * (1 + math.cos(math.pi * p))


def evaluate(p, cfg, x, y, batch=4):
    with torch.no_grad():
        errs = [rel_l2(sfno_ref.sfno(p, cfg, x[i:i + batch], T_OUT), y[i:i + batch])
                for i in range(0, len(x), batch)]
    return torch.cat(errs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--train', required=True)
    ap.add_argument('--test', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--batch-size', type=int, default=4)
    ap.add_argument('--lr', type=float, default=5e-3)
    ap.add_argument('--width', type=int, default=10)
    ap.add_argument('--layers', type=int, default=4)
    ap.add_argument('--modes', default='12,12,5')
    ap.add_argument('--windows', type=int, default=1)
    ap.add_argument('--n-train', type=int, default=0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--deadline', default='')
    ap.add_argument('--subsample', type=int, default=1, help='train on every k-th point of each axis')
    ap.add_argument('--init', default='', help='start from these weights')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    mx, my, mt = map(int, a.modes.split(','))
    config = dict(modesX=mx, modesY=my, modesT=mt, width=a.width, numSpectralLayers=a.layers,
                  outputSteps=T_OUT, seed=a.seed)
    cfg = {**sfno_ref.DEFAULTS, **config}
    x, y = windows(a.train, a.windows, a.subsample)
    if a.n_train:
        x, y = x[:a.n_train * a.windows], y[:a.n_train * a.windows]
    xt, yt = windows(a.test, 1)  # at the test file's resolution (zero-shot when subsampling)
    gen = torch.Generator().manual_seed(a.seed)
    p = init_params(cfg, gen)
    if a.init:
        for k, v in safetensors_io.load(a.init)[0].items():
            p[k] = v.float().requires_grad_()
    opt = torch.optim.Adam(p.values(), lr=a.lr)
    steps = len(x) // a.batch_size
    total = a.epochs * steps
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'config.json'), 'w') as f:
        f.write(json.dumps(config, indent=2) + '\n')
    log = open(os.path.join(a.out, 'log.csv'), 'w')
    log.write('epoch,train_rel_l2,test_rel_l2,lr,seconds\n')
    n_real = sum(t.numel() for t in p.values())
    print(f'{n_real} real parameters; {len(x)} train windows at {x.shape[1]}x{x.shape[2]}, '
          f'{len(xt)} test at {xt.shape[1]}x{xt.shape[2]}, {steps} steps/epoch',
          flush=True)
    deadline = None
    if a.deadline:
        h, m = map(int, a.deadline.split(':'))
        now = time.gmtime()
        deadline = time.time() + ((h - now.tm_hour) * 60 + m - now.tm_min) * 60 - now.tm_sec
    start, best = time.time(), float('inf')
    for epoch in range(a.epochs):
        t0, tot = time.time(), 0.0
        order = torch.randperm(len(x), generator=gen)
        for s in range(steps):
            lr = one_cycle(epoch * steps + s, total, a.lr)
            for g in opt.param_groups:
                g['lr'] = lr
            idx = order[s * a.batch_size:(s + 1) * a.batch_size]
            loss = rel_l2(sfno_ref.sfno(p, cfg, x[idx], T_OUT), y[idx]).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() / (a.batch_size * T_OUT)
        test = evaluate(p, cfg, xt, yt).mean().item()
        secs = time.time() - start
        log.write(f'{epoch + 1},{tot / steps},{test},{lr},{secs:.1f}\n')
        log.flush()
        tensors = {k: v.detach() for k, v in p.items()}
        meta = {'config': json.dumps(config), 'epoch': str(epoch + 1), 'test_rel_l2': str(test)}
        safetensors_io.save(os.path.join(a.out, 'weights.safetensors'), tensors, meta)
        if test < best:
            best = test
            safetensors_io.save(os.path.join(a.out, 'best.safetensors'), tensors, meta)
        print(f'[{time.strftime("%H:%M:%S", time.gmtime())}] epoch {epoch + 1}: train '
              f'{tot / steps:.4f}, test {test:.4f}, lr {lr:.2e}, {secs:.0f} s', flush=True)
        if deadline and time.time() + (time.time() - t0) > deadline:
            print(f'stopping: another epoch would end after {a.deadline} UTC', flush=True)
            break


if __name__ == '__main__':
    main()
