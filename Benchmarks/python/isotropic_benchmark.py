"""CSBDeep's isotropic CARE on TensorFlow (CPU): training steps/s on the patches that
`fluosynth isotropic prepare` wrote (train/low.npz), with the network `fluobench isotropic`
trains: a 2-D U-Net of depth 2, 32 first filters, kernel 3, MAE, Adam, batches drawn at random
from the patches. Prints one JSON line. Usage: isotropic_benchmark.py NPZ STEPS BATCH PATCH
"""
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from csbdeep.io import load_training_data
from csbdeep.models import Config, IsotropicCARE

npz, steps, batch, patch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
(X, Y), _, axes = load_training_data(npz, validation_split=0.1)
# The npz's patches may be larger than the training patch: crop the top-left corner, as a
# patch of that size (the peer's speed depends on the size, not on which pixels).
X, Y = X[:, :patch, :patch], Y[:, :patch, :patch]
config = Config(axes, n_channel_in=1, n_channel_out=1, unet_n_depth=2, unet_n_first=32, unet_kern_size=3,
                train_batch_size=batch, train_loss="mae")
model = IsotropicCARE(config, "isotropic", basedir=tempfile.mkdtemp())
model.prepare_for_training()
keras_model = model.keras_model
rng = np.random.default_rng(0)


def step():
    chosen = rng.integers(0, len(X), batch)
    keras_model.train_on_batch(X[chosen], Y[chosen])


for _ in range(3):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
print(json.dumps({
    "tensorflow": tf.__version__, "parameters": int(keras_model.count_params()), "patches": int(len(X)),
    "axes": axes, "steps_per_second": steps / (time.perf_counter() - start),
}))
