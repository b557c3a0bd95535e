"""Image helpers of scripts/experiments/dfcan-sisr (numpy, tifffile, Pillow).

  sisr_images.py bicubic SRC DST PIXEL_UM   every .tif in SRC (or the file SRC) upsampled 2x with
                                            Pillow's bicubic kernel (pixel centres aligned as 2x2
                                            camera binning has them), written to DST as float32
  sisr_images.py bin2 SRC DST PIXEL_UM      2x2 mean binning (the real widefield image back to its
                                            camera grid)
  sisr_images.py report OUT                 the Markdown tables from OUT/scores-*.json
"""
import glob
import json
import os
import sys

import numpy as np
import tifffile
from PIL import Image


def files(source, target):
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
        return [(path, os.path.join(target, os.path.basename(path))) for path in sorted(glob.glob(os.path.join(source, "*.tif")))]
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    return [(source, target)]


def write(path, image, pixel_um):
    tifffile.imwrite(path, image.astype(np.float32), imagej=True, resolution=(1 / pixel_um, 1 / pixel_um), metadata={"unit": "um"})


def bicubic(image):
    height, width = image.shape
    return np.asarray(Image.fromarray(image.astype(np.float32), mode="F").resize((2 * width, 2 * height), Image.BICUBIC))


def bin2(image):
    height, width = (s // 2 * 2 for s in image.shape)
    return image[:height, :width].astype(np.float64).reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))


def report(out):
    methods = [("dfcan", "DFCAN"), ("care", "CARE (bicubic input)"), ("rl", "Richardson–Lucy (bicubic input)"), ("bicubic", "bicubic")]
    levels = sorted(glob.glob(os.path.join(out, "scores-level-*.json")))
    for metric, label in [("nrmse", "NRMSE (lower is better)"), ("ms_ssim", "MS-SSIM (higher is better)")]:
        print(f"\n{label}, mean over the test images of each level:\n")
        print("| level | photons | " + " | ".join(name for _, name in methods) + " |")
        print("|---|---|" + "---|" * len(methods))
        for path in levels:
            level = os.path.basename(path)[len("scores-"):-len(".json")]
            with open(path) as f:
                scores = json.load(f)
            photons = {"level-1": 15, "level-2": 24, "level-3": 38, "level-4": 60, "level-5": 95, "level-6": 150,
                       "level-7": 240, "level-8": 380, "level-9": 600}[level]
            row = " | ".join(f"{scores['prediction' if key == 'dfcan' else key][metric]:.4f}" for key, _ in methods)
            print(f"| {level} | {photons} | {row} |")
    real = os.path.join(out, "scores-real.json")
    if os.path.exists(real):
        with open(real) as f:
            scores = json.load(f)
        print("\nReal widefield (widefield-high.tif binned 2x2 to its 0.06 µm camera grid) against sim-high.tif:\n")
        print("| method | NRMSE | SSIM | PSNR (dB) | MS-SSIM |")
        print("|---|---|---|---|---|")
        for key, name in methods:
            s = scores["prediction" if key == "dfcan" else key]
            print(f"| {name} | {s['nrmse']:.4f} | {s['ssim']:.4f} | {s['psnr']:.2f} | {s['ms_ssim']:.4f} |")


mode = sys.argv[1]
if mode == "report":
    report(sys.argv[2])
else:
    transform = {"bicubic": bicubic, "bin2": bin2}[mode]
    for source, target in files(sys.argv[2], sys.argv[3]):
        write(target, transform(tifffile.imread(source)), float(sys.argv[4]))
