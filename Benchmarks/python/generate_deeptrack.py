"""The DeepTrack2 peer of `fluosynth generate` (fluobench generate).

    generate_deeptrack.py CASE SAMPLES OUT_DIR      CASE: microtubules-2d | spheres-3d

DeepTrack has no filament generator and its fluorescence optics sum every plane into one
2-D image (no z-stacks), so only the 2-D case runs, with the closest workload it offers:
50 spheres (radius 0.1–0.3 µm) in a 128×128 field at 0.065 µm pixels imaged by
`Fluorescence` (NA 1.3, λ 0.52 µm) and Poisson noise; the noisy image and the noise-free
one (one draw of the pipeline) written as float32 TIFFs. The 3-D case prints "unsupported".
Prints one JSON line: {"case", "samples", "seconds", "pairs_per_second"}.
"""
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import tifffile
import deeptrack as dt

case, samples, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if case != "microtubules-2d":
    print(json.dumps({"case": case, "unsupported": "DeepTrack images 2-D projections only"}))
    sys.exit(0)
os.makedirs(out, exist_ok=True)
pixel = 0.065e-6
optics = dt.Fluorescence(NA=1.3, wavelength=0.52e-6, resolution=pixel, magnification=1,
                         refractive_index_medium=1.518, output_region=(0, 0, 128, 128))
sphere = dt.Sphere(position=lambda: np.random.uniform(0, 128, 2), z=0,
                   radius=lambda: np.random.uniform(0.1e-6, 0.3e-6), intensity=lambda: np.random.uniform(50, 200))
field = optics(sphere ^ 50)
pair = (field >> dt.Poisson(snr=10, background=0)) & field   # noisy image and its noise-free target, one draw
start = time.perf_counter()
for i in range(samples):
    image, target = pair.update()()
    tifffile.imwrite(f"{out}/input-{i:06d}.tif", np.asarray(image, dtype=np.float32))
    tifffile.imwrite(f"{out}/gt-{i:06d}.tif", np.asarray(target, dtype=np.float32))
seconds = time.perf_counter() - start
print(json.dumps({"case": case, "samples": samples, "seconds": seconds, "pairs_per_second": samples / seconds}))
