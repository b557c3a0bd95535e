"""The same networks built in Keras (TensorFlow-CPU), FluoSynth's weights loaded into them, and
their outputs compared with FluoSynth's, printed as JSON.

Usage: keras_reference.py NPZ
NPZ holds `config` (the model's architecture JSON, as config.json writes it, stored as text),
`input` (n, c, [z,] y, x) and `output` (FluoSynth's prediction, same layout), and one array per
parameter under FluoSynth's name (convolutions (out, in, k...), channels first).

The Keras models are in keras_networks.py, channels last: convolution kernels are transposed
to (k..., in, out), images to (n, [z,] y, x, c).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras_networks  # noqa: E402


def load(model, arrays):
    """Sets every Keras layer with weights from FluoSynth's arrays; returns the names used."""
    used = []
    for layer in model.layers:
        if not layer.weights:
            continue
        name = layer.name.replace("_", ".")
        w, b = arrays[name + ".weight"], arrays[name + ".bias"]
        rank = w.ndim - 2
        kernel = np.transpose(w, tuple(range(2, 2 + rank)) + (1, 0))
        layer.set_weights([kernel, b])
        used += [name + ".weight", name + ".bias"]
    return used


def main():
    arrays = dict(np.load(sys.argv[1]))
    config = json.loads(str(arrays.pop("config")))
    x, expected = arrays.pop("input"), arrays.pop("output")
    kind = config.get("kind", "care")
    builders = {"rcan": keras_networks.rcan, "dfcan": keras_networks.dfcan}
    if kind not in builders:
        raise SystemExit(f"keras_reference: no Keras builder for '{kind}'")
    spatial = x.shape[2:]
    model = builders[kind](config, spatial)
    used = load(model, arrays)
    unused = sorted(set(arrays) - set(used))
    channels_last = np.moveaxis(x, 1, -1)
    predicted = np.moveaxis(model.predict(channels_last, verbose=0), -1, 1)
    print(json.dumps({
        "kind": kind,
        "keras": keras_networks.keras.__version__,
        "parameters": int(model.count_params()),
        "unused_arrays": unused,
        "max_abs_difference": float(np.abs(predicted - expected).max()),
        "output_range": [float(expected.min()), float(expected.max())],
    }))


if __name__ == "__main__":
    main()
