"""FluoSynth's architectures written independently in Keras (TensorFlow-CPU), channels last,
with layer names that map to FluoSynth's parameter names ('_' for '.'). Used by
keras_reference.py (the cross-check) and Benchmarks/python/rcan_benchmark.py (the peer).

Each builder takes the architecture as config.json records it and the image size.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
from keras import layers  # noqa: E402


def rcan(config, spatial):
    """3D-RCAN: standardise 2x-1, conv, residual groups of channel-attention blocks, long skip, conv, 0.5x+0.5."""
    d = config["dimensions"]
    Conv = layers.Conv3D if d == 3 else layers.Conv2D
    Pool = layers.GlobalAveragePooling3D if d == 3 else layers.GlobalAveragePooling2D
    k, c = config["kernelSize"], config["channels"]

    def conv(x, name, channels=c):
        return Conv(channels, k, padding="same", name=name)(x)

    inputs = keras.Input(shape=tuple(spatial) + (config["inChannels"],))
    first = conv(layers.Rescaling(2.0, offset=-1.0)(inputs), "head")
    x = first
    for g in range(config["residualGroups"]):
        group_input = x
        for b in range(config["residualBlocks"]):
            name = f"group{g}_block{b}"
            h = layers.ReLU()(conv(x, name + "_conv0"))
            h = conv(h, name + "_conv1")
            p = Pool(keepdims=True)(h)
            p = Conv(c // config["channelReduction"], 1, activation="relu", name=name + "_attention_squeeze")(p)
            p = Conv(c, 1, activation="sigmoid", name=name + "_attention_excite")(p)
            x = layers.Add()([layers.Multiply()([h, p]), x])
        x = layers.Add()([conv(x, f"group{g}_conv"), group_input])
    x = layers.Add()([conv(x, "trunk"), first])
    outputs = layers.Rescaling(0.5, offset=0.5)(conv(x, "tail", config["outChannels"]))
    return keras.Model(inputs, outputs)
