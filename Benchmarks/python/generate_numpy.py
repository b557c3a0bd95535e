"""The peer of `fluobench generate`: the same dataset work as a plain numpy/scipy script.

    generate_numpy.py CASE SAMPLES OUT_DIR      CASE: microtubules-2d | spheres-3d

Per sample, as FluoSynth does for Benchmarks/specs/<CASE>.yaml: draw the phantom
(worm-like chains splatted with sub-pixel bilinear weights at quarter-pixel steps; or
non-overlapping solid/hollow spheres with 2x supersampled partial volumes), add a Perlin
background (2-D case), convolve with a Born-Wolf PSF (computed once, scipy.special.j0
quadrature) by scipy.signal.fftconvolve, scale to peak photons, draw Poisson and Gaussian
read noise, add the offset, and write ground truth and input as float32 TIFFs (tifffile).
Prints one JSON line: {"case", "samples", "seconds", "pairs_per_second"}.
numpy and scipy run single-threaded here (as most such scripts do).
"""
import json
import os
import sys
import time

import numpy as np
import scipy.signal
import scipy.special
import tifffile


def born_wolf_psf(shape, spacing, na, wavelength, n):
    """Scalar widefield PSF: |∫ J0(k NA r ρ) exp(-i k z sqrt(n² − NA²ρ²)) ρ dρ|², unit sum."""
    k = 2 * np.pi / wavelength
    rho = np.linspace(0, 1, 801)
    weights = np.full(rho.size, 1.0 / (rho.size - 1))
    weights[[0, -1]] /= 2
    if len(shape) == 2:
        planes = np.zeros(1)
    else:
        planes = (np.arange(shape[0]) - shape[0] // 2) * spacing[0]
    y = (np.arange(shape[-2]) - shape[-2] // 2) * spacing[-2]
    x = (np.arange(shape[-1]) - shape[-1] // 2) * spacing[-1]
    r = np.sqrt(y[:, None] ** 2 + x[None, :] ** 2)
    radii = np.linspace(0, r.max() + spacing[-1], 400)
    bessel = scipy.special.j0(k * na * radii[:, None] * rho[None, :]) * rho * weights
    psf = []
    for z in planes:
        phase = np.exp(-1j * k * z * np.sqrt(n ** 2 - (na * rho) ** 2))
        profile = np.abs(bessel @ phase) ** 2
        psf.append(np.interp(r, radii, profile))
    psf = np.array(psf)
    psf = psf[0] if len(shape) == 2 else psf
    return psf / psf.sum()


def perlin2(shape, spacing, feature, rng, octaves=3):
    """Fractal gradient noise in [0, 1] (improved Perlin fade), vectorised."""
    total = np.zeros(shape)
    norm = 0
    for o in range(octaves):
        frequency = 2 ** o / feature
        y = np.arange(shape[0]) * spacing * frequency
        x = np.arange(shape[1]) * spacing * frequency
        gy, gx = int(y.max()) + 2, int(x.max()) + 2
        angles = rng.uniform(0, 2 * np.pi, (gy, gx))
        gradients = np.stack([np.sin(angles), np.cos(angles)], -1)
        yy, xx = np.meshgrid(y, x, indexing="ij")
        y0, x0 = yy.astype(int), xx.astype(int)
        fy, fx = yy - y0, xx - x0

        def corner(dy, dx):
            g = gradients[y0 + dy, x0 + dx]
            return g[..., 0] * (fy - dy) + g[..., 1] * (fx - dx)

        fade = lambda t: t * t * t * (t * (t * 6 - 15) + 10)
        u, v = fade(fy), fade(fx)
        top = corner(0, 0) + v * (corner(0, 1) - corner(0, 0))
        bottom = corner(1, 0) + v * (corner(1, 1) - corner(1, 0))
        total += 0.5 ** o * (top + u * (bottom - top)) * np.sqrt(2)
        norm += 0.5 ** o
    return np.clip(0.5 * (1 + total / norm), 0, 1)


def microtubules(shape, spacing, rng, count=20, lp=20.0, mean=4.0, sd=2.0, per_um=160.0):
    """Worm-like chains (Δθ ~ N(0, sqrt(Δs/Lp))) splatted bilinearly every quarter pixel."""
    image = np.zeros(shape)
    step = spacing / 4
    sigma2 = np.log1p(sd ** 2 / mean ** 2)
    for _ in range(count):
        length = rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2))
        steps = max(2, int(length / step))
        angles = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, np.sqrt(step / lp), steps))
        start = rng.uniform(0, np.array(shape) * spacing)
        points = start + np.cumsum(np.stack([np.sin(angles), np.cos(angles)], -1) * step, 0)
        pixels = points / spacing
        y0 = np.floor(pixels[:, 0]).astype(int)
        x0 = np.floor(pixels[:, 1]).astype(int)
        fy, fx = pixels[:, 0] - y0, pixels[:, 1] - x0
        amount = per_um * step
        for dy, dx, w in ((0, 0, (1 - fy) * (1 - fx)), (0, 1, (1 - fy) * fx), (1, 0, fy * (1 - fx)), (1, 1, fy * fx)):
            yy, xx = y0 + dy, x0 + dx
            inside = (yy >= 0) & (yy < shape[0]) & (xx >= 0) & (xx < shape[1])
            np.add.at(image, (yy[inside], xx[inside]), amount * w[inside])
    return image


def spheres(shape, spacing, rng, count=50):
    """Non-overlapping solid and hollow spheres, partial volumes by 2x supersampling."""
    volume = np.zeros(shape)
    extent = np.array(shape) * np.array(spacing)
    placed = []
    for _ in range(count):
        for _attempt in range(100):
            radius = rng.uniform(0.3, 0.6)
            centre = rng.uniform(radius, extent - radius)
            if all(np.linalg.norm(centre - c) > radius + r for c, r in placed):
                break
        placed.append((centre, radius))
        hollow = rng.uniform() < 0.5
        shell = rng.uniform(0.1, 0.2)
        brightness = rng.uniform(5e4, 8.5e5)
        low = np.maximum(((centre - radius) / spacing).astype(int), 0)
        high = np.minimum(((centre + radius) / spacing).astype(int) + 2, shape)
        sub = [(np.arange(l, h)[:, None] + np.array([0.25, 0.75])[None, :] - 0.5).ravel() * d
               for l, h, d in zip(low, high, spacing)]
        zz, yy, xx = np.meshgrid(*sub, indexing="ij")
        distance = np.sqrt((zz - centre[0]) ** 2 + (yy - centre[1]) ** 2 + (xx - centre[2]) ** 2)
        inside = distance <= radius
        if hollow:
            inside &= distance >= radius - shell
        counts = inside.reshape(high[0] - low[0], 2, high[1] - low[1], 2, high[2] - low[2], 2).mean((1, 3, 5))
        volume[low[0]:high[0], low[1]:high[1], low[2]:high[2]] += counts * brightness * np.prod(spacing)
    return volume


def main():
    case, samples, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    if case == "microtubules-2d":
        shape, spacing = (128, 128), 0.065
        psf = born_wolf_psf((129, 129), (spacing, spacing), 1.3, 0.52, 1.518)
    else:
        shape, spacing = (32, 128, 128), (0.2, 0.1, 0.1)
        psf = born_wolf_psf((63, 129, 129), spacing, 1.1, 0.52, 1.333)
    for i in range(samples):
        if case == "microtubules-2d":
            gt = microtubules(shape, spacing, rng)
            blurred = scipy.signal.fftconvolve(gt + 0.3 * perlin2(shape, spacing, 3.0, rng), psf, mode="same")
        else:
            gt = spheres(shape, spacing, rng)
            blurred = scipy.signal.fftconvolve(gt, psf, mode="same")
        expected = np.maximum(blurred, 0) * 100 / max(blurred.max(), 1e-12)
        recorded = rng.poisson(expected) + rng.normal(0, 1.5, shape) + 100
        tifffile.imwrite(f"{out}/gt-{i:06d}.tif", gt.astype(np.float32))
        tifffile.imwrite(f"{out}/input-{i:06d}.tif", recorded.astype(np.float32))
    seconds = time.perf_counter() - start
    print(json.dumps({"case": case, "samples": samples, "seconds": seconds, "pairs_per_second": samples / seconds}))


if __name__ == "__main__":
    main()
