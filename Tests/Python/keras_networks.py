"""FluoSynth's architectures in Keras (TensorFlow-CPU), channels last. RCAN and DFCAN are
written here independently, with layer names that map to FluoSynth's parameter names ('_' for
'.'); CARE's U-Net is CSBDeep's own `custom_unet`, whose layers follow FluoSynth's parameter
order. Used by keras_reference.py (the cross-check) and Benchmarks/python/keras_benchmark.py
(the peer).

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


def dfcan(config, spatial):
    """DL-SR's DFCAN: conv + GELU, residual groups of Fourier channel-attention blocks, conv to
    C*r^2 + GELU, depth_to_space(r), conv, sigmoid. The attention: (|FFT2(f)| + 1e-8)^0.8,
    fftshift (a roll by half the size), conv + ReLU, global average, squeeze-excite, times f."""
    import tensorflow as tf

    k, c, r = config["kernelSize"], config["channels"], config["scale"]

    def conv(x, name, channels=c, activation=None):
        return layers.Conv2D(channels, k, padding="same", activation=activation, name=name)(x)

    def gelu(x):
        return layers.Activation(lambda v: keras.activations.gelu(v, approximate=True))(x)

    def spectrum(f):
        def transform(v):
            maps = tf.transpose(v, (0, 3, 1, 2))
            magnitude = tf.pow(tf.abs(tf.signal.fft2d(tf.complex(maps, tf.zeros_like(maps)))) + 1e-8, 0.8)
            shifted = tf.roll(magnitude, shift=[tf.shape(v)[1] // 2, tf.shape(v)[2] // 2], axis=[2, 3])
            return tf.transpose(shifted, (0, 2, 3, 1))
        return layers.Lambda(transform)(f)

    inputs = keras.Input(shape=tuple(spatial) + (config["inChannels"],))
    x = gelu(conv(inputs, "head"))
    for g in range(config["residualGroups"]):
        group_input = x
        for b in range(config["residualBlocks"]):
            name = f"group{g}_block{b}"
            f = gelu(conv(gelu(conv(x, name + "_conv0")), name + "_conv1"))
            d = conv(spectrum(f), name + "_attention_conv", activation="relu")
            p = layers.GlobalAveragePooling2D(keepdims=True)(d)
            p = layers.Conv2D(c // config["channelReduction"], 1, activation="relu", name=name + "_attention_squeeze")(p)
            p = layers.Conv2D(c, 1, activation="sigmoid", name=name + "_attention_excite")(p)
            x = layers.Add()([layers.Multiply()([f, p]), x])
        x = layers.Add()([x, group_input])
    wide = gelu(conv(x, "upsample", c * r * r))
    if r > 1:
        wide = layers.Lambda(lambda v: tf.nn.depth_to_space(v, r))(wide)
    outputs = conv(wide, "tail", config["outChannels"], activation="sigmoid")
    return keras.Model(inputs, outputs)


def care(config, spatial):
    """CARE's U-Net as CSBDeep builds it (csbdeep.internals.nets.custom_unet, linear output,
    the input added when residual; probabilistic models concatenate softplus(conv) + 1e-3)."""
    from csbdeep.internals.nets import custom_unet

    d = config["dimensions"]
    return custom_unet(tuple(spatial) + (config["inChannels"],), "linear",
                       n_depth=config["depth"], n_filter_base=config["firstFilters"],
                       kernel_size=(config["kernelSize"],) * d, pool_size=(2,) * d,
                       n_conv_per_depth=config["convolutionsPerLevel"], batch_norm=config["batchNorm"],
                       dropout=config["dropout"], n_channel_out=config["outChannels"],
                       residual=config["residual"], prob_out=config["probabilistic"])
