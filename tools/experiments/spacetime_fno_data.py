#!/usr/bin/env python3
"""FNO-paper Navier-Stokes trajectories for the SpaceTimeFNO experiments, on the CPU with PyTorch.

    /usr/bin/python3 tools/experiments/spacetime_fno_data.py N RES DT SEED OUT.safetensors [RECORDS]

The same solver as `wgno ns-generate` (the FNO paper's navier_stokes_2d: pseudo-spectral, 2/3-rule
on the nonlinear term, Crank-Nicolson viscous term, forcing 0.1 (sin + cos)(2 pi (x + y)),
nu = 1e-3, GaussianRF(alpha 2.5, tau 7) initial vorticity; tools/fixtures/make_ns_fixtures.py
checks these formulas against wgno's solver), run by torch in float64 instead of on WebGPU:
while this was written the two shared cores ran SwiftShader at ~1/18 of a core for us
(load average 36), and ns-generate needed 835 s per time unit for 4 trajectories at 64x64.
Writes `u` [N, RES, RES, RECORDS] (default 20; record k at time k + 1; more records give the
training script sliding windows) and `a` [N, RES, RES] (t = 0), float32, as
ns-generate's layout. The random numbers differ from ns-generate's (torch's generator).
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
import safetensors_io  # noqa: E402

F64 = torch.float64


def wavenumbers(n):
    k = torch.cat((torch.arange(0, n // 2), torch.arange(-n // 2, 0))).to(F64)
    return k[:, None].expand(n, n), k[None, :].expand(n, n)


def grf(gen, count, n, alpha=2.5, tau=7.0):
    sigma = tau ** (0.5 * (2 * alpha - 2))
    kx, ky = wavenumbers(n)
    sqrt_eig = n ** 2 * math.sqrt(2.0) * sigma * (4 * math.pi ** 2 * (kx ** 2 + ky ** 2) + tau ** 2) ** (-alpha / 2)
    sqrt_eig[0, 0] = 0
    z = torch.randn(count, n, n, 2, generator=gen, dtype=F64)
    return torch.fft.ifft2(torch.complex(sqrt_eig * z[..., 0], sqrt_eig * z[..., 1])).real


def solve(w0, t_units, dt, nu=1e-3):
    n = w0.shape[-1]
    m = n // 2 + 1
    kx, ky = [k[:, :m] for k in wavenumbers(n)]
    lap = 4 * math.pi ** 2 * (kx ** 2 + ky ** 2)
    lap[0, 0] = 1
    dealias = ((kx.abs() <= 2 / 3 * (n // 2)) & (ky.abs() <= 2 / 3 * (n // 2))).to(F64)
    grid = torch.arange(n, dtype=F64) / n
    x, y = torch.meshgrid(grid, grid, indexing='ij')
    f_h = torch.fft.rfft2(0.1 * (torch.sin(2 * math.pi * (x + y)) + torch.cos(2 * math.pi * (x + y))))
    w_h = torch.fft.rfft2(w0)
    a = 0.5 * dt * nu * lap
    steps = round(1 / dt)
    out = []
    for _ in range(t_units):
        for _ in range(steps):
            psi = w_h / lap
            ir = lambda z: torch.fft.irfft2(z, s=(n, n))  # noqa: E731
            q, v = ir(2j * math.pi * ky * psi), ir(-2j * math.pi * kx * psi)
            wx, wy = ir(2j * math.pi * kx * w_h), ir(2j * math.pi * ky * w_h)
            nl = dealias * torch.fft.rfft2(q * wx + v * wy)
            w_h = (-dt * nl + dt * f_h + (1 - a) * w_h) / (1 + a)
        out.append(torch.fft.irfft2(w_h, s=(n, n)))
        print(f't = {len(out)}', end=' ', flush=True)
    return torch.stack(out, -1)


def main():
    count, res, dt, seed, path = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    records = int(sys.argv[6]) if len(sys.argv) > 6 else 20
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(seed)
    w0 = grf(gen, count, res)
    t0 = time.time()
    u = solve(w0, records, dt)
    print(f'{count} trajectories at {res}x{res}, dt {dt}: {time.time() - t0:.0f} s', flush=True)
    safetensors_io.save(path, {'a': w0.float(), 'u': u.float()}, {'solver': 'torch float64', 'dt': dt, 'seed': seed})


if __name__ == '__main__':
    main()
