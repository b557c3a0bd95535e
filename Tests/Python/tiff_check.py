"""TIFF interoperability with tifffile (an independent TIFF implementation).

    tiff_check.py describe FILE...   prints one JSON line per file: shape, dtype, ImageJ
                                     spacing, pixel size from the resolution tags, whether
                                     the pixel data is contiguous, the sum of the samples.
    tiff_check.py variants DIR       writes files as microscopes, Fiji and tifffile do
                                     (byte orders, bit depths, tiles, compression) whose
                                     sample (z, y, x) holds (z*7 + y*3 + x) % 251.
    tiff_check.py ome FILE...        prints one JSON line per OME-TIFF: what tifffile makes of
                                     it (OME or not, series axes and shape) and what ome-types
                                     reads from its OME-XML, validated against the OME schema
                                     (dimension order, sizes, physical sizes and units,
                                     channel names, pixel type).
"""
import json
import os
import sys

import numpy as np
import tifffile


def describe(path):
    with tifffile.TiffFile(path) as tif:
        series = tif.series[0]
        data = series.asarray()
        page = tif.pages[0]
        xres = page.tags.get("XResolution")
        pixel = None
        if xres is not None:
            num, den = xres.value
            pixel = den / num
        ij = tif.imagej_metadata or {}
        return {
            "shape": list(data.shape),
            "dtype": str(data.dtype),
            "spacing": ij.get("spacing"),
            "unit": ij.get("unit"),
            "pixel": pixel,
            "contiguous": series.dataoffset is not None,
            "sum": float(data.astype(np.float64).sum()),
            "first": float(data.flat[0]),
            "last": float(data.flat[-1]),
        }


def pattern(shape, dtype):
    z, y, x = np.indices(shape)
    return ((z * 7 + y * 3 + x) % 251).astype(dtype)


def variants(folder):
    os.makedirs(folder, exist_ok=True)
    stack = (5, 37, 41)
    tifffile.imwrite(f"{folder}/uint16-big-endian.tif", pattern(stack, np.uint16), byteorder=">")
    tifffile.imwrite(f"{folder}/uint8-imagej.tif", pattern(stack, np.uint8), imagej=True,
                     resolution=(1 / 0.2, 1 / 0.2), metadata={"spacing": 0.5, "unit": "um", "axes": "ZYX"})
    tifffile.imwrite(f"{folder}/int16-tiled-deflate.tif", pattern(stack, np.int16), tile=(16, 16),
                     compression="zlib")
    tifffile.imwrite(f"{folder}/float32-lzw.tif", pattern(stack, np.float32), compression="lzw")
    tifffile.imwrite(f"{folder}/float64-big-endian.tif", pattern(stack, np.float64), byteorder=">")
    tifffile.imwrite(f"{folder}/uint32-strips.tif", pattern(stack, np.uint32), rowsperstrip=5)
    tifffile.imwrite(f"{folder}/uint16-2d.tif", pattern((1, 37, 41), np.uint16)[0])
    hyper = pattern((2 * 3 * 4, 37, 41), np.uint16).reshape(2, 3, 4, 37, 41)  # T, Z, C, Y, X
    tifffile.imwrite(f"{folder}/hyperstack-tzcyx.tif", hyper, imagej=True, metadata={"axes": "TZCYX"})
    # OME-TIFF with the channel slower than z (DimensionOrder XYZCT), as Bio-Formats often writes.
    ome = pattern((2 * 3, 37, 41), np.uint16).reshape(2, 3, 37, 41)  # C, Z, Y, X
    tifffile.imwrite(f"{folder}/czyx.ome.tif", ome, ome=True,
                     metadata={"axes": "CZYX", "PhysicalSizeX": 0.1, "PhysicalSizeY": 0.1, "PhysicalSizeZ": 0.4,
                               "Channel": {"Name": ["DAPI", "GFP"]}})


def ome(path):
    import ome_types

    with tifffile.TiffFile(path) as tif:
        series = tif.series[0]
        report = {"is_ome": tif.is_ome, "axes": series.axes, "shape": list(series.shape)}
    metadata = ome_types.from_tiff(path, validate=True)
    pixels = metadata.images[0].pixels
    report.update({
        "dimension_order": pixels.dimension_order.value,
        "sizes": [pixels.size_x, pixels.size_y, pixels.size_z, pixels.size_c, pixels.size_t],
        "physical": [pixels.physical_size_x, pixels.physical_size_y, pixels.physical_size_z],
        "units": [pixels.physical_size_x_unit.value, pixels.physical_size_z_unit.value],
        "channels": [c.name for c in pixels.channels],
        "type": pixels.type.value,
    })
    return report


if __name__ == "__main__":
    if sys.argv[1] == "describe":
        for path in sys.argv[2:]:
            print(json.dumps(describe(path)))
    elif sys.argv[1] == "variants":
        variants(sys.argv[2])
    elif sys.argv[1] == "ome":
        for path in sys.argv[2:]:
            print(json.dumps(ome(path)))
