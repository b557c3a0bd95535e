// The commands of `fluosynth` and `fluobench` describe their options and results with the
// parameter types of the stages they drive (PSF models, camera, phantoms, training options,
// volumes, TIFF sample types, scores). Workflows re-exports the targets that define those types,
// so an executable depends on Workflows alone and reaches the library through it.
@_exported import DataIO
@_exported import Adaptation
@_exported import Calibration
@_exported import DatasetSpec
@_exported import FluoCore
@_exported import Imaging
@_exported import Metrics
@_exported import Phantoms
@_exported import Teaching
@_exported import TeachingServer
@_exported import Training
