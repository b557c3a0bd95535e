"""The table and the axial-view figure of scripts/experiments/rcan-blur.

Usage: rcan_blur_report.py OUT
Reads OUT/scores-<level>.json (fluosynth evaluate --summary) and prints a Markdown table of
SSIM and PSNR (mean ± sd over the test volumes) for the input, CARE and RCAN per blur level;
writes OUT/axial-views.png: for each level the x–z slice through the middle of the first test
volume of the input, CARE's and RCAN's restorations, and the ground truth, each stretched to
its own 0.1/99.9 percentiles.
"""
import glob
import json
import os
import sys

import numpy as np
import tifffile
from PIL import Image

out = sys.argv[1]
levels = ["blur-2x", "blur-3x", "blur-4x"]
print("| blur | SSIM input | SSIM CARE | SSIM RCAN | PSNR input (dB) | PSNR CARE | PSNR RCAN | test volumes |")
print("|---|---|---|---|---|---|---|---|")
for level in levels:
    with open(os.path.join(out, f"scores-{level}.json")) as f:
        s = json.load(f)
    rows = [s["input"], s["care"], s["prediction"]]
    ssim = " | ".join(f"{r['ssim']:.3f} ± {r['sd']['ssim']:.3f}" for r in rows)
    psnr = " | ".join(f"{r['psnr']:.2f} ± {r['sd']['psnr']:.2f}" for r in rows)
    print(f"| {level.replace('blur-', '')} | {ssim} | {psnr} | {rows[0]['images']} |")


def axial(path):
    volume = tifffile.imread(path).astype(np.float32)
    view = volume[:, volume.shape[1] // 2, :]
    low, high = np.percentile(view, [0.1, 99.9])
    return (np.clip((view - low) / max(high - low, 1e-12), 0, 1) * 255).astype(np.uint8)


name = os.path.basename(sorted(glob.glob(os.path.join(out, "data/test/GT/*.tif")))[0])
rows = []
for level in levels:
    tiles = [axial(os.path.join(out, "data/test", level, name)),
             axial(os.path.join(out, "predictions", f"care-{level}", name)),
             axial(os.path.join(out, "predictions", f"rcan-{level}", name)),
             axial(os.path.join(out, "data/test/GT", name))]
    gap = np.full((tiles[0].shape[0], 4), 255, np.uint8)
    rows.append(np.concatenate(sum(([t, gap] for t in tiles), [])[:-1], axis=1))
sheet = np.concatenate(sum(([r, np.full((4, rows[0].shape[1]), 255, np.uint8)] for r in rows), [])[:-1], axis=0)
# Voxels are isotropic (0.1 µm); enlarge 3× for viewing.
image = Image.fromarray(sheet).resize((sheet.shape[1] * 3, sheet.shape[0] * 3), Image.NEAREST)
image.save(os.path.join(out, "axial-views.png"))
print(f"\nAxial views (x–z through the middle of test volume {name}; rows 2×, 3×, 4×; columns input, CARE, RCAN, ground truth): {os.path.join(out, 'axial-views.png')}")
