#!/usr/bin/env python3
"""A PyTorch CPU transcription of wgno's `refine` (src/train/refine.ts) and H^-1 Navier-Stokes
residual (src/pde/ns_residual.ts, spectral dw/dt), to sweep the refinement's settings when
SwiftShader is too slow for a sweep. The chosen settings are then run through wgno itself
(tools/experiments/spacetime_fno_refine.mjs) and the two are compared.

    /usr/bin/python3 tools/experiments/spacetime_fno_refine_torch.py --weights w.safetensors \
        --config config.json --data ns64_test.safetensors --first 0 --n 2 --iterations 50 \
        [--lr-weight 1e-2 --lr-bias 200 --anchor 3 --alpha 1 --drop-last 0 --schedule constant]
        (the defaults are refine()'s)

Prints one JSON line per window (plain and refined relative L2 per predicted step, and the
residual norm and mean error every --every iterations) and a summary line.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'test', 'fixtures', 'spacetime_fno'))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures'))
import make_spacetime_fno_fixtures as R  # noqa: E402
import safetensors_io  # noqa: E402

_enc = R.encoding
R.encoding = lambda *a: _enc(*a).float()
T_IN = T_OUT = 10


def latent(p, c, x):
    """The reduction's output [B, 1, X, Y, L] (SFNO up to the output layer)."""
    modes, a = (c['modesX'], c['modesY'], c['modesT']), c['activation']
    v = x[:, None] + R.encoding(c['width'], *x.shape[1:], c['beta'])
    v = torch.nn.functional.group_norm(v, 1, p['lifting_operator.norm.weight'],
                                       p['lifting_operator.norm.bias'], 1e-7)
    v = R.conv1x1(p, 'lifting_operator.proj', v)
    w = R.spectral(p, 'lifting_operator.sconv', v, modes, c['latentSteps'], c['fftNorm'])
    v = R.act(a, v[..., -1:] + R.ffn(p, 'lifting_operator.mlp', a, w))
    for i in range(c['numSpectralLayers'] - 1):
        x1 = R.ffn(p, f'mlp.{i}', a, R.spectral(p, f'spectral_conv.{i}', v, modes, v.shape[-1], 'backward'))
        v = R.act(a, x1 + R.conv1x1(p, f'w.{i}', v))
    return R.conv1x1(p, 'reduction', v)


def out_layer(q, c, modes, r, x, steps):
    last = x[:, None, ..., -1:]
    y = R.spectral(q, 'conv', torch.cat([last, r], -1), modes, steps + 1, c['fftNorm'], bias=True,
                   delta=c['delta'], tpad=c['temporalPadding'])
    return (last + y[..., -steps:])[:, 0]


def widened(p, c, modes):
    """The trained output layer's groups embedded in larger ones (refine.ts embedGroup)."""
    m0 = (c['modesX'], c['modesY'], c['modesT'])
    q = {}
    for kind in ('weight', 'bias'):
        for g in range(4):
            src = p[f'output_operator.conv.{kind}.{g}']
            dst = torch.zeros(*src.shape[:-4], *modes, 2)
            ox, oy = (modes[0] - m0[0] if g % 2 else 0), (modes[1] - m0[1] if g >= 2 else 0)
            dst[..., ox:ox + m0[0], oy:oy + m0[1], :m0[2], :] = src
            q[f'conv.{kind}.{g}'] = dst.requires_grad_()
    return q


def spectral_derivative(s, dt):
    """ns_residual.ts spectralDerivative, float64."""
    t = len(s)
    p = t - 1
    ln = p * dt
    d0 = (-3 * s[0] + 4 * s[1] - s[2]) / (2 * dt)
    d1 = (3 * s[p] - 4 * s[p - 1] + s[p - 2]) / (2 * dt)
    g, out = np.zeros(p), np.zeros(t)
    for k in range(t):
        x = k / p
        h = (2 * x**3 - 3 * x**2 + 1) * s[0] + (x**3 - 2 * x**2 + x) * ln * d0
        h1 = (-2 * x**3 + 3 * x**2) * s[p] + (x**3 - x**2) * ln * d1
        if k < p:
            g[k] = s[k] - h - h1
        out[k] = (6 * x**2 - 6 * x) / ln * (s[0] - s[p]) + (3 * x**2 - 4 * x + 1) * d0 + (3 * x**2 - 2 * x) * d1
    gp = np.zeros(p)
    for k in range(1, (p + 1) // 2):
        if 2 * k >= p:
            break
        q = np.arange(p)
        re = np.sum(g * np.cos(2 * math.pi * k * q / p))
        im = -np.sum(g * np.sin(2 * math.pi * k * q / p))
        w = 2 * 2 * math.pi * k / (p * p * dt)
        a = 2 * math.pi * k * q / p
        gp -= w * (re * np.sin(a) + im * np.cos(a))
    return out + gp[np.arange(t) % p]


def d_dt_matrix(t, dt):
    return torch.tensor(np.stack([spectral_derivative(np.eye(t)[q], dt) for q in range(t)]), dtype=torch.float32)


class Residual:
    """H^-1 norm of the NS residual of windows [B, n, n, T] (ns_residual.ts, spectral dw/dt)."""

    def __init__(self, n, t, dt, nu=1e-3, alpha=10**-1.5, drop_last=0, variant='spectral', h=1e-3):
        i = torch.arange(n)
        kx = torch.where(2 * i >= n, i - n, i).double()[:, None].expand(n, n // 2 + 1)
        j = torch.arange(n // 2 + 1)
        ky = torch.where(2 * j == n, j - n, j).double()[None, :].expand(n, n // 2 + 1)
        lap = 4 * math.pi**2 * (kx**2 + ky**2)
        psi = torch.where(lap == 0, torch.ones_like(lap), lap)
        c = torch.where((j == 0) | (2 * j == n), 1.0, 2.0).double()[None, :]
        self.u, self.v = 2j * math.pi * ky / psi, -2j * math.pi * kx / psi
        self.dx, self.dy = 2j * math.pi * kx, 2j * math.pi * ky
        self.dealias = ((3 * kx.abs() <= n) & (3 * ky.abs() <= n)).double()
        self.visc = nu * lap
        self.weight = (c / (alpha + lap)).float()
        g = torch.arange(n, dtype=torch.float64) / n
        x, y = torch.meshgrid(g, g, indexing='ij')
        self.f = (0.1 * (torch.sin(2 * math.pi * (x + y)) + torch.cos(2 * math.pi * (x + y)))).float()
        for k in ('u', 'v', 'dx', 'dy', 'dealias', 'visc'):
            setattr(self, k, getattr(self, k).to(torch.complex64))
        self.D, self.n, self.drop = d_dt_matrix(t, dt), n, drop_last
        self.variant, self.h = variant, h
        self.denom = (1 / (1 + h / 2 * nu * lap)).to(torch.complex64)

    def __call__(self, w):
        n = self.n
        f2 = lambda z: torch.fft.rfft2(z, norm='forward')  # noqa: E731
        b2 = lambda z: torch.fft.irfft2(z, s=(n, n), norm='forward')  # noqa: E731
        frames = w.permute(0, 3, 1, 2)
        wh = f2(frames)
        nlin = lambda z: self.dealias * f2(b2(z * self.u) * b2(z * self.dx) + b2(z * self.v) * b2(z * self.dy))  # noqa: E731
        if self.variant == 'spectral':
            wt = f2((w @ self.D).permute(0, 3, 1, 2) - self.f)
        else:  # one semi-implicit step of size h from each frame (ns_residual.ts 'implicit')
            fh, h = f2(self.f), self.h
            nxt = (wh + h * (fh - nlin(wh) - wh * self.visc)) * self.denom
            wt, wh = (nxt - wh) / h - fh, nxt
        r = wt + nlin(wh) + wh * self.visc
        if self.drop:
            r = r[:, :-self.drop]
        per = (r.abs() ** 2 * self.weight).sum((2, 3))
        return per.mean(1).sqrt().mean()


def per_step(pred, y):
    return ((pred - y).pow(2).sum((1, 2)).sqrt() / y.pow(2).sum((1, 2)).sqrt())[0].tolist()


def main():
    ap = argparse.ArgumentParser()
    for k, d in [('weights', None), ('config', None), ('data', None), ('first', '0'), ('n', '2'),
                 ('iterations', '100'), ('every', '10'), ('lr-weight', '1e-2'), ('lr-bias', ''),
                 ('anchor', '3'), ('drop-last', '0'), ('schedule', 'constant'), ('modes', ''),
                 ('alpha', '1'), ('threads', '1'), ('variant', 'spectral')]:
        ap.add_argument(f'--{k}', default=d)
    a = ap.parse_args()
    torch.set_num_threads(int(a.threads))
    cfg = {**R.DEFAULTS, **json.load(open(a.config))}
    p = {k: v.float() for k, v in safetensors_io.load(a.weights)[0].items()}
    u = safetensors_io.load(a.data)[0]['u'].float()
    s = u.shape[1]
    modes = tuple(map(int, a.modes.split(','))) if a.modes else (
        max(cfg['modesX'], s // 4), max(cfg['modesY'], s // 4), cfg['modesT'] + 1)
    anchor, iters = int(a.anchor), int(a.iterations)
    res = Residual(s, T_OUT + anchor, 1.0, alpha=float(a.alpha), drop_last=int(a.drop_last),
                   variant=a.variant)
    rows = []
    for i in range(int(a.first), int(a.first) + int(a.n)):
        x, y = u[i:i + 1, ..., :T_IN], u[i:i + 1, ..., T_IN:T_IN + T_OUT]
        t0 = time.time()
        with torch.no_grad():
            r = latent(p, cfg, x)
        q = widened(p, cfg, modes)
        ws = [q[f'conv.weight.{g}'] for g in range(4)]
        bs = [q[f'conv.bias.{g}'] for g in range(4)]
        # refine()'s defaultBiasLr for fftNorm 'backward': 200 at 64x64, scaled with the grid.
        lrs = (float(a.lr_weight), float(a.lr_bias) if a.lr_bias else 200 * (s / 64) ** 2)
        opt = torch.optim.Adam([{'params': ws, 'lr': lrs[0]}, {'params': bs, 'lr': lrs[1]}])
        trace = []
        for it in range(iters + 1):
            pred = out_layer(q, cfg, modes, r, x, T_OUT)
            loss = res(torch.cat([x[..., T_IN - anchor:], pred], -1) if anchor else pred)
            if it % int(a.every) == 0 or it >= iters - 1:
                trace.append({'it': it, 'residual': loss.item(), 'relL2': float(np.mean(per_step(pred.detach(), y)))})
            if it == 0:
                plain = per_step(pred.detach(), y)
            if it == iters:
                break
            if a.schedule == 'cosine':
                f = 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * it / iters))
                for g, lr in zip(opt.param_groups, lrs):
                    g['lr'] = lr * f
            opt.zero_grad()
            loss.backward()
            opt.step()
        row = {'window': i, 's': s, 'plain': plain, 'refined': per_step(pred.detach(), y),
               'trace': trace, 'seconds': time.time() - t0}
        rows.append(row)
        print(json.dumps(row), flush=True)
    mean = lambda k: np.mean([r[k] for r in rows], 0).tolist()  # noqa: E731
    print(json.dumps({'summary': True, 'settings': vars(a), 'plainMean': float(np.mean(mean('plain'))),
                      'refinedMean': float(np.mean(mean('refined'))), 'plainPerStep': mean('plain'),
                      'refinedPerStep': mean('refined'),
                      'secondsPerWindow': float(np.mean([r['seconds'] for r in rows]))}), flush=True)


if __name__ == '__main__':
    main()
