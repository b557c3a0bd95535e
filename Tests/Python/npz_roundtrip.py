"""Cross-checks FluoSynth's .npz files with numpy and CSBDeep.

  npz_roundtrip.py check PATH      load PATH with numpy and csbdeep.io.load_training_data and
                                   print what they see as JSON
  npz_roundtrip.py write PATH      write a savez_compressed file with float32 X, uint16 Y and
                                   axes 'SCZYX' whose values the Swift test recomputes
"""
import json
import sys

import numpy as np

import csbdeep.io
import csbdeep.utils.utils

# CSBDeep asks Keras where the channel axis goes; without TensorFlow installed, give
# TensorFlow's answer (channels last).
csbdeep.utils.utils.backend_channels_last = lambda: True
csbdeep.io.backend_channels_last = lambda: True

mode, path = sys.argv[1:3]
if mode == "check":
    raw = np.load(path)
    (X, Y), validation, axes = csbdeep.io.load_training_data(path, validation_split=0.25, verbose=False)
    print(json.dumps({
        "keys": sorted(raw.files),
        "x_dtype": str(raw["X"].dtype), "y_dtype": str(raw["Y"].dtype),
        "axes_dtype": str(raw["axes"].dtype), "axes_ndim": int(raw["axes"].ndim), "axes": str(raw["axes"]),
        "x_shape": list(raw["X"].shape),
        "x_sum": float(raw["X"].astype(np.float64).sum()),
        "x_weighted": float((raw["X"].astype(np.float64).ravel() * np.arange(raw["X"].size)).sum()),
        "y_sum": float(raw["Y"].astype(np.float64).sum()),
        "csbdeep_axes": axes, "csbdeep_train_shape": list(X.shape), "csbdeep_validation_shape": list(validation[0].shape),
    }))
elif mode == "write":
    shape = (3, 1, 4, 6, 5)
    n = np.arange(np.prod(shape))
    X = (n * 0.25 - 7).astype(np.float32).reshape(shape)
    Y = (n % 65536 * 3 % 65536).astype(np.uint16).reshape(shape)
    np.savez_compressed(path, X=X, Y=Y, axes="SCZYX")
else:
    sys.exit("unknown mode " + mode)
