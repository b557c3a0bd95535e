"""The CARE evaluation protocol computed with CSBDeep and scikit-image, printed as JSON.

Usage: care_metrics_reference.py SHAPE PREDICTION.f32 GROUND_TRUTH.f32 [SHAPE PREDICTION GROUND_TRUTH ...]
(raw little-endian float32 files, SHAPE like 64,80 or 12,48,56); prints a JSON list, one
object per pair.

1. ground truth: csbdeep.utils.normalize(gt, 0.1, 99.9, clip=False);
2. prediction: csbdeep.utils.normalize_minmse(pred, normalised_gt) (alpha*x + beta);
3. NRMSE = sqrt(mean squared error); PSNR and SSIM from scikit-image with data_range 1 and
   Wang et al.'s Gaussian window (sigma 1.5, population covariance); SSIM of a stack with fewer
   than 11 planes is the mean over its planes;
4. MS-SSIM written here from Wang, Simoncelli & Bovik (2003) / their msssim.m, independently of
   the Swift code: 'valid' 11x11 Gaussian windows via scipy.signal.convolve2d, 2x2 block averages
   (an odd last row/column kept), negative terms clamped to 0, as many of the 5 scales as keep
   11 pixels per side (weights renormalised when fewer than 5); plane-wise mean for stacks.
"""
import json
import sys

import numpy as np
from csbdeep.utils import normalize, normalize_minmse
from scipy.signal import convolve2d
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def window():
    g = np.exp(-np.arange(-5, 6) ** 2 / (2 * 1.5 ** 2))
    g /= g.sum()
    return np.outer(g, g)


def ssim_and_cs(a, b, data_range=1.0):
    w = window()
    f = lambda z: convolve2d(z, w, mode="valid")
    mu_a, mu_b = f(a), f(b)
    var_a, var_b, cov = f(a * a) - mu_a ** 2, f(b * b) - mu_b ** 2, f(a * b) - mu_a * mu_b
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    cs = (2 * cov + c2) / (var_a + var_b + c2)
    luminance = (2 * mu_a * mu_b + c1) / (mu_a ** 2 + mu_b ** 2 + c1)
    return (luminance * cs).mean(), cs.mean()


def halve(z):
    if z.shape[0] % 2:
        z = np.vstack([z, z[-1:]])
    if z.shape[1] % 2:
        z = np.hstack([z, z[:, -1:]])
    return 0.25 * (z[0::2, 0::2] + z[1::2, 0::2] + z[0::2, 1::2] + z[1::2, 1::2])


def ms_ssim_plane(a, b):
    scales, side = 0, min(a.shape)
    while side >= 11 and scales < 5:
        scales, side = scales + 1, (side + 1) // 2
    weights = WEIGHTS if scales == 5 else WEIGHTS[:scales] / WEIGHTS[:scales].sum()
    value = 1.0
    for j in range(scales):
        ssim, cs = ssim_and_cs(a, b)
        term = ssim if j == scales - 1 else cs
        value *= max(term, 0.0) ** weights[j]
        a, b = halve(a), halve(b)
    return value, scales


def evaluate(shape, prediction, truth):
    target = normalize(truth, 0.1, 99.9, clip=False).astype(np.float64)
    fitted = normalize_minmse(prediction.astype(np.float64), target)
    planes_t = target.reshape((-1,) + shape[-2:])
    planes_f = fitted.reshape((-1,) + shape[-2:])
    options = dict(data_range=1.0, gaussian_weights=True, sigma=1.5, use_sample_covariance=False)
    if len(shape) == 3 and shape[0] < 11:
        ssim = np.mean([structural_similarity(t, f, **options) for t, f in zip(planes_t, planes_f)])
    else:
        ssim = structural_similarity(target, fitted, **options)
    ms = [ms_ssim_plane(t, f) for t, f in zip(planes_t, planes_f)]
    alpha = np.cov(prediction.flatten().astype(np.float64), target.flatten())[0, 1] / (
        np.var(prediction.astype(np.float64), ddof=1) + 1e-10)
    return {
        "nrmse": float(np.sqrt(np.mean((target - fitted) ** 2))),
        "ssim": float(ssim),
        "psnr": float(peak_signal_noise_ratio(target, fitted, data_range=1.0)),
        "ms_ssim": float(np.mean([v for v, _ in ms])),
        "ms_ssim_scales": ms[0][1],
        "alpha": float(alpha),
    }


results = []
for i in range(1, len(sys.argv), 3):
    shape = tuple(int(v) for v in sys.argv[i].split(","))
    prediction, truth = (np.fromfile(path, dtype="<f4").reshape(shape) for path in sys.argv[i + 1:i + 3])
    results.append(evaluate(shape, prediction, truth))
print(json.dumps(results))
