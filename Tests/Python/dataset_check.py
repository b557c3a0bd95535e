"""Reads a FluoSynth dataset with the tools users train with, and prints what they see (JSON).

    dataset_check.py DIR

For every <split>/<condition>.npz: csbdeep.io.load_training_data (CSBDeep's own loader;
TensorFlow is not needed to read data, so its channels-last query is answered here) and
plain numpy; for the first GT and input TIFF of each split: tifffile's shape, dtype, axes
and spacing.
"""
import glob
import json
import os
import sys

import numpy as np
import tifffile

import csbdeep.io
import csbdeep.utils.utils

# load_training_data asks the Keras backend whether channels come last; TensorFlow's
# answer (the default) is yes. Answer it here so reading data needs no TensorFlow.
csbdeep.io.backend_channels_last = lambda: True
csbdeep.utils.utils.backend_channels_last = lambda: True


def tiff(path):
    with tifffile.TiffFile(path) as tif:
        data = tif.asarray()
        ij = tif.imagej_metadata or {}
        num, den = tif.pages[0].tags["XResolution"].value
        return {"shape": list(data.shape), "dtype": str(data.dtype), "axes": tif.series[0].axes,
                "spacing": ij.get("spacing"), "pixel": den / num}


root = sys.argv[1]
report = {"npz": {}, "tiff": {}}
for path in sorted(glob.glob(os.path.join(root, "*", "*.npz"))):
    name = os.path.relpath(path, root)
    raw = np.load(path)
    (X, Y), _, axes = csbdeep.io.load_training_data(path, validation_split=0, verbose=False)
    report["npz"][name] = {
        "keys": sorted(raw.files), "X": list(raw["X"].shape), "Y": list(raw["Y"].shape),
        "dtype": str(raw["X"].dtype), "axes": str(raw["axes"]),
        "csbdeep_X": list(X.shape), "csbdeep_axes": axes,
        "finite": bool(np.isfinite(raw["X"]).all() and np.isfinite(raw["Y"]).all()),
    }
for split in ("train", "val", "test"):
    for folder in sorted(glob.glob(os.path.join(root, split, "*"))):
        files = sorted(glob.glob(os.path.join(folder, "*.tif")))
        if files:
            report["tiff"][os.path.relpath(files[0], root)] = tiff(files[0])
print(json.dumps(report))
