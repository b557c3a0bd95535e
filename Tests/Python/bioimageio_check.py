"""Checks a bioimage.io package written by `fluosynth export` with the ecosystem's own tools.

    bioimageio_check.py PACKAGE.zip IMAGE.tif PREDICTED.tif [SCALE.tif]

1. bioimageio.core's `test_model` (format validation, then ONNX Runtime reproducing the
   package's test outputs from its test inputs, at several sizes and batch sizes) must pass.
2. ONNX Runtime runs the package's weights on the whole IMAGE, normalised between its
   percentiles as the package's `scale_range` preprocessing says, and the result must equal
   PREDICTED (and SCALE), FluoSynth's own prediction of IMAGE, within 1e-4 in the network's
   (normalised) units.

Prints one JSON line: the test status and the largest differences.
"""
import json
import sys
import tempfile
import zipfile

import numpy as np
import onnxruntime
import tifffile
import yaml
from bioimageio.core import test_model


def main(package, image_path, predicted_path, scale_path=None):
    summary = test_model(package)
    if summary.status != "passed":
        raise SystemExit("bioimageio test failed:\n" + summary.format())

    with zipfile.ZipFile(package) as archive:
        rdf = yaml.safe_load(archive.read("rdf.yaml"))
        weights = archive.read(rdf["weights"]["onnx"]["source"])
    kwargs = rdf["inputs"][0]["preprocessing"][0]["kwargs"]
    image = tifffile.imread(image_path).astype(np.float32)
    low, high = np.percentile(image, [kwargs["min_percentile"], kwargs["max_percentile"]])
    width = high - low + kwargs["eps"]
    normalized = ((image - low) / width)[np.newaxis, np.newaxis].astype(np.float32)

    with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
        f.write(weights)
        f.flush()
        session = onnxruntime.InferenceSession(f.name, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = dict(zip(names, session.run(None, {"input": normalized})))

    report = {"status": summary.status, "outputs": names}
    # FluoSynth's prediction in intensities, back to the network's units.
    mean = (tifffile.imread(predicted_path).astype(np.float64) - low) / width
    report["mean_max_abs_difference"] = float(np.abs(outputs["mean"][0, 0] - mean).max())
    if scale_path:
        scale = tifffile.imread(scale_path).astype(np.float64) / width
        report["scale_max_abs_difference"] = float(np.abs(outputs["scale"][0, 0] - scale).max())
    print(json.dumps(report))
    worst = max(v for k, v in report.items() if k.endswith("difference"))
    if worst > 1e-4:
        raise SystemExit(f"ONNX Runtime and fluosynth predict differ by {worst:.3g} (> 1e-4): {report}")


if __name__ == "__main__":
    main(*sys.argv[1:])
