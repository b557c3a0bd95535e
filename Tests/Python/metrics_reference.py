"""scikit-image's SSIM, PSNR and NRMSE for two float32 arrays, printed as JSON.

Usage: metrics_reference.py REFERENCE.f32 TEST.f32 SHAPE DATA_RANGE
(raw little-endian float32 files, SHAPE like 64,80 or 16,32,32). SSIM uses Wang et al.'s
setting: Gaussian window sigma 1.5, population covariance.
"""
import json
import sys

import numpy as np
from skimage.metrics import normalized_root_mse, peak_signal_noise_ratio, structural_similarity

reference_path, test_path, shape_text, data_range_text = sys.argv[1:5]
shape = tuple(int(v) for v in shape_text.split(","))
data_range = float(data_range_text)
reference = np.fromfile(reference_path, dtype="<f4").reshape(shape).astype(np.float64)
test = np.fromfile(test_path, dtype="<f4").reshape(shape).astype(np.float64)
print(json.dumps({
    "ssim": structural_similarity(reference, test, data_range=data_range, gaussian_weights=True,
                                  sigma=1.5, use_sample_covariance=False),
    "psnr": peak_signal_noise_ratio(reference, test, data_range=data_range),
    "nrmse": normalized_root_mse(reference, test, normalization="min-max"),
}))
