"""The same networks built in Keras (TensorFlow-CPU), FluoSynth's weights loaded into them, and
their outputs compared with FluoSynth's, printed as JSON.

Usage: keras_reference.py NPZ
NPZ holds `config` (the model's architecture JSON, as config.json writes it, stored as text),
`input` (n, c, [z,] y, x) and `output` (FluoSynth's prediction, same layout), and one array per
parameter under FluoSynth's name (convolutions (out, in, k...), channels first).

The Keras models are in keras_networks.py (CARE's U-Net is CSBDeep's own), channels last:
convolution kernels are transposed to (k..., in, out), images to (n, [z,] y, x, c). A
probabilistic U-Net's output is the mean and the scale concatenated along the channels, as
CSBDeep's.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras_networks  # noqa: E402


def groups(arrays):
    """FluoSynth's arrays by layer ('down0.conv0', 'down0.conv0.bn', ...), in the order saved."""
    grouped = {}
    for name in arrays:
        grouped.setdefault(name.rsplit(".", 1)[0], []).append(name)
    return grouped


def load(model, arrays, by_name):
    """Sets every Keras layer with weights from FluoSynth's arrays: by layer name ('_' for '.')
    or, for CSBDeep's U-Net, whose layers have Keras's own names, in order. Convolution kernels
    are transposed from (out, in, k...) to (k..., in, out); batch normalisation takes gamma,
    beta, moving mean and moving variance as they are. Returns the names used."""
    grouped = groups(arrays)
    layers = [layer for layer in model.layers if layer.weights]
    prefixes = [layer.name.replace("_", ".") for layer in layers] if by_name else list(grouped)[:len(layers)]
    used = []
    for layer, prefix in zip(layers, prefixes):
        names = grouped[prefix]
        values = [arrays[name] for name in names]
        if prefix + ".weight" in names:
            w = arrays[prefix + ".weight"]
            rank = w.ndim - 2
            values = [np.transpose(w, tuple(range(2, 2 + rank)) + (1, 0)), arrays[prefix + ".bias"]]
        layer.set_weights(values)
        used += names
    return used


def main():
    arrays = dict(np.load(sys.argv[1]))
    config = json.loads(str(arrays.pop("config")))
    x, expected = arrays.pop("input"), arrays.pop("output")
    kind = config.get("kind", "care")
    builders = {"care": keras_networks.care, "rcan": keras_networks.rcan, "dfcan": keras_networks.dfcan}
    if kind not in builders:
        raise SystemExit(f"keras_reference: no Keras builder for '{kind}'")
    spatial = x.shape[2:]
    model = builders[kind](config, spatial)
    used = load(model, arrays, by_name=kind != "care")
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
