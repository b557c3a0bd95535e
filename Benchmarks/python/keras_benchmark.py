"""RCAN or DFCAN on TensorFlow (CPU), built by Tests/Python/keras_networks.py (the networks the
cross-check shows equal to FluoSynth's): training steps/s and prediction time.

The configurations match `fluobench training --arch rcan|dfcan`: 3D-RCAN's defaults (5 residual
groups x 3 blocks, 32 channels, reduction 8, kernel 3), MAE, Adam 1e-4, in 2-D batch 4 of
128x128 patches and a 512x512 image, in 3-D batch 1 (3D-RCAN's) of 16x64x64 and a 32x128x128
stack; DFCAN's (4 groups x 4 blocks, 64 channels, reduction 16, x2), MSE, Adam 1e-4, batch 4 of
64x64 inputs (128x128 targets, DL-SR's patch) and a 256x256 image. Prints one JSON line.
Usage: keras_benchmark.py ARCH STEPS RUNS DIMS
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Python"))
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras_networks  # noqa: E402

arch = sys.argv[1]
steps, runs, dims = (int(a) for a in sys.argv[2:5])
if arch == "rcan":
    batch, patch, image_shape = (4, (128, 128), (512, 512)) if dims == 2 else (1, (16, 64, 64), (32, 128, 128))
    config = {"dimensions": dims, "inChannels": 1, "outChannels": 1, "channels": 32, "residualGroups": 5,
              "residualBlocks": 3, "channelReduction": 8, "kernelSize": 3}
    scale, loss = 1, "mae"
else:
    batch, patch, image_shape = 4, (64, 64), (256, 256)
    config = {"dimensions": 2, "inChannels": 1, "outChannels": 1, "channels": 64, "residualGroups": 4,
              "residualBlocks": 4, "channelReduction": 16, "kernelSize": 3, "scale": 2}
    scale, loss = 2, "mse"
build = getattr(keras_networks, arch)
rng = np.random.default_rng(0)
model = build(config, patch)
model.compile(optimizer=keras_networks.keras.optimizers.Adam(1e-4), loss=loss)
x = rng.random((batch,) + patch + (1,), dtype=np.float32)
y = rng.random((batch,) + tuple(s * scale for s in patch) + (1,), dtype=np.float32)
for _ in range(2):
    model.train_on_batch(x, y)
start = time.perf_counter()
for _ in range(steps):
    model.train_on_batch(x, y)
steps_per_second = steps / (time.perf_counter() - start)

predictor = build(config, image_shape)
predictor.set_weights(model.get_weights())
image = rng.random((1,) + image_shape + (1,), dtype=np.float32)
predictor.predict(image, verbose=0)
times = []
for _ in range(runs):
    start = time.perf_counter()
    predictor.predict(image, verbose=0)
    times.append(time.perf_counter() - start)
print(json.dumps({
    "tensorflow": tf.__version__, "parameters": int(model.count_params()),
    "threads": {"intra": tf.config.threading.get_intra_op_parallelism_threads(),
                "inter": tf.config.threading.get_inter_op_parallelism_threads()},
    "steps_per_second": steps_per_second, "predict_seconds": float(np.median(times)),
}))
