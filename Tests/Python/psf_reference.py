"""Writes the psfmodels scalar (Gibson-Lanni) or vectorial (Richards-Wolf) PSF, Aguet's
implementations, as a unit-sum float32 TIFF, for FluoSynth's cross-check. Usage:
    psf_reference.py OUT.tif NZ NX DXY DZ NA WAVELENGTH NI NS DEPTH OVERSAMPLING [scalar|vectorial]
"""
import sys

import numpy as np
import psfmodels
import tifffile

out, nz, nx, dxy, dz, na, wvl, ni, ns, depth, sf = sys.argv[1:12]
model = sys.argv[12] if len(sys.argv) > 12 else "scalar"
psf = psfmodels.make_psf(
    int(nz), int(nx), dxy=float(dxy), dz=float(dz), pz=float(depth), NA=float(na), wvl=float(wvl),
    ni=float(ni), ni0=float(ni), ns=float(ns), ng=1.515, ng0=1.515, tg=170, tg0=170, ti0=150,
    oversample_factor=int(sf), normalize=False, model=model)
psf = (psf / psf.sum()).astype(np.float32)
tifffile.imwrite(out, psf, imagej=True, resolution=(1 / float(dxy), 1 / float(dxy)),
                 metadata={"spacing": float(dz), "unit": "um", "axes": "ZYX"})
