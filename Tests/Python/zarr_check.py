"""OME-Zarr interoperability with ome-zarr-py (the OME-NGFF reference reader), ome-zarr-models
(validation against the NGFF 0.4 schema) and zarr-python.

    zarr_check.py describe PATH...   prints one JSON line per image: what ome-zarr-py reads
                                     (shape, axes, scale of level 0, channel labels), whether
                                     ome-zarr-models validates it, the sum of the samples
                                     (through zarr-python) and FluoSynth's notes.
    zarr_check.py write DIR          writes, with ome-zarr-py, DIR/czyx.zarr (its defaults: zstd,
                                     one chunk, a pyramid) and DIR/blosc.zarr (Blosc, 1×2×16×16
                                     chunks, partial at the edges), both uint16 with sample
                                     (c, z, y, x) = (c*1000 + z*7 + y*3 + x) % 65521 and scale
                                     (0.5, 0.2, 0.2) µm.
"""
import json
import sys

import numpy as np
import zarr
from ome_zarr.io import parse_url
from ome_zarr.reader import Reader
from ome_zarr.writer import write_image


def describe(path):
    nodes = list(Reader(parse_url(path))())
    image = nodes[0]
    level0 = np.asarray(image.data[0])
    transforms = image.metadata["coordinateTransformations"][0]
    scale = next(t["scale"] for t in transforms if t["type"] == "scale")
    group = zarr.open_group(path, mode="r")
    try:
        from ome_zarr_models.v04.image import Image
        Image.from_zarr(group)
        valid = True
    except Exception as error:  # report, do not hide
        valid = str(error)
    attributes = dict(group.attrs)
    return {
        "shape": list(level0.shape),
        "dtype": str(level0.dtype),
        "axes": [a["name"] for a in image.metadata["axes"]],
        "units": [a.get("unit") for a in image.metadata["axes"]],
        "scale": scale,
        "labels": [c["label"] for c in attributes.get("omero", {}).get("channels", [])],
        "valid": valid,
        "sum": float(np.asarray(group["0"][:], dtype=np.float64).sum()),
        "notes": attributes.get("fluosynth", {}),
    }


def write(folder):
    from numcodecs import Blosc

    c, z, y, x = np.indices((2, 5, 37, 41))
    data = ((c * 1000 + z * 7 + y * 3 + x) % 65521).astype(np.uint16)
    scale = {"z": 0.5, "y": 0.2, "x": 0.2}
    units = {"z": "micrometer", "y": "micrometer", "x": "micrometer"}
    for name, options in [("czyx", None), ("blosc", {"chunks": (1, 2, 16, 16), "compressor": Blosc(cname="zstd", clevel=3, shuffle=Blosc.SHUFFLE)})]:
        root = zarr.group(store=parse_url(f"{folder}/{name}.zarr", mode="w").store, zarr_format=2)
        write_image(data, root, axes="czyx", scale=scale, axes_units=units, storage_options=options)


if __name__ == "__main__":
    if sys.argv[1] == "describe":
        for path in sys.argv[2:]:
            print(json.dumps(describe(path)))
    elif sys.argv[1] == "write":
        write(sys.argv[2])
