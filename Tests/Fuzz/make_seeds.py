"""Writes the seed corpus of the TIFF and npz fuzz targets: small files in the variants the
readers must handle (sample types, byte orders, strips and tiles, compressions, pages,
ImageJ and OME metadata; stored and deflated npz, CSBDeep's layout). Run once with the test
helpers' Python (tifffile, numpy), from the package root:

    .build/python-env/bin/python Tests/Fuzz/make_seeds.py
"""
import pathlib

import numpy as np
import tifffile

corpus = pathlib.Path(__file__).parent / "Corpus"
rng = np.random.default_rng(0)
image = rng.integers(0, 200, size=(8, 12))

tiff = corpus / "tiff"
variants = {
    "uint8": dict(data=image.astype(np.uint8)),
    "uint16-big-endian": dict(data=image.astype(">u2")),
    "int16": dict(data=(image - 100).astype(np.int16)),
    "uint32": dict(data=image.astype(np.uint32)),
    "float32": dict(data=image.astype(np.float32)),
    "float64": dict(data=image.astype(np.float64)),
    "tiled": dict(data=np.tile(image, (2, 2)).astype(np.uint16), tile=(16, 16)),
    "lzw": dict(data=image.astype(np.uint16), compression="lzw"),
    "deflate": dict(data=image.astype(np.float32), compression="zlib", predictor=True),
    "packbits": dict(data=image.astype(np.uint8), compression="packbits"),
    "rows-per-strip": dict(data=image.astype(np.uint16), rowsperstrip=3),
    "rgb-planar": dict(data=np.stack([image] * 3).astype(np.uint8), photometric="rgb", planarconfig="separate"),
    "bigtiff": dict(data=image.astype(np.uint16), bigtiff=True),
    "resolution": dict(data=image.astype(np.uint16), resolution=(1e4 / 0.1, 1e4 / 0.1), resolutionunit="CENTIMETER"),
}
for name, arguments in variants.items():
    tifffile.imwrite(tiff / f"{name}.tif", **arguments)
stack = np.stack([image, image // 2, image // 3]).astype(np.float32)
tifffile.imwrite(tiff / "imagej-stack.tif", stack, imagej=True, resolution=(1 / 0.065, 1 / 0.065),
                 metadata={"spacing": 0.2, "unit": "um", "axes": "ZYX"})
tifffile.imwrite(tiff / "imagej-hyperstack.tif", np.stack([stack, stack], axis=1).astype(np.uint16), imagej=True,
                 metadata={"axes": "ZCYX", "spacing": 0.3, "unit": "micron"})
tifffile.imwrite(tiff / "ome.ome.tif", stack, ome=True,
                 metadata={"axes": "ZYX", "PhysicalSizeX": 0.1, "PhysicalSizeY": 0.1, "PhysicalSizeZ": 0.25})

npz = corpus / "npz"
x = rng.normal(size=(2, 1, 8, 8)).astype(np.float32)
np.savez(npz / "pairs-2d.npz", X=x, Y=x * 2, axes="SCYX")
np.savez_compressed(npz / "pairs-3d-compressed.npz", X=x[:, :, None], Y=x[:, :, None], axes="SCZYX")
np.savez(npz / "mixed-types.npz", a=np.arange(6, dtype=">i4").reshape(2, 3), c=np.float64(3.5), d=np.array([True, False]))
# Seeds named refused-* are valid files FluoSynth refuses (with a message): their error paths.
np.savez(npz / "refused-fortran-order.npz", b=np.asfortranarray(x[0, 0]))
