"""CSBDeep's CARE on TensorFlow (CPU): training steps/s and prediction time.

The configuration matches `fluobench training`: U-Net of depth 2, 32 first filters, kernel 3
(or the third argument), one input and one output channel, MAE, Adam; in 2-D batch 16 of
128x128 patches and a 1024x1024 image, in 3-D (fourth argument 3) batch 4 of 16x64x64 patches
and a 32x256x256 stack. Prints one JSON line. Usage: care_benchmark.py STEPS RUNS [KERNEL [DIMS]]
"""
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from csbdeep.models import CARE, Config

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
kernel = int(sys.argv[3]) if len(sys.argv) > 3 else 3
dims = int(sys.argv[4]) if len(sys.argv) > 4 else 2
axes, batch, patch, image_shape = ("YX", 16, (128, 128), (1024, 1024)) if dims == 2 else ("ZYX", 4, (16, 64, 64), (32, 256, 256))
rng = np.random.default_rng(0)
config = Config(axes, n_channel_in=1, n_channel_out=1, unet_n_depth=2, unet_n_first=32, unet_kern_size=kernel,
                train_batch_size=batch, train_loss="mae")
model = CARE(config, "bench", basedir=tempfile.mkdtemp())
model.prepare_for_training()
keras_model = model.keras_model
x = rng.random((batch,) + patch + (1,), dtype=np.float32)
y = (x + 0.1 * rng.standard_normal(x.shape)).astype(np.float32)
for _ in range(3):
    keras_model.train_on_batch(x, y)
start = time.perf_counter()
for _ in range(steps):
    keras_model.train_on_batch(x, y)
steps_per_second = steps / (time.perf_counter() - start)

image = rng.random(image_shape, dtype=np.float32)
model.predict(image, axes=axes)
times = []
for _ in range(runs):
    start = time.perf_counter()
    model.predict(image, axes=axes)
    times.append(time.perf_counter() - start)
print(json.dumps({
    "tensorflow": tf.__version__, "parameters": int(keras_model.count_params()),
    "threads": {"intra": tf.config.threading.get_intra_op_parallelism_threads(),
                "inter": tf.config.threading.get_inter_op_parallelism_threads()},
    "steps_per_second": steps_per_second, "predict_seconds": float(np.median(times)),
}))
