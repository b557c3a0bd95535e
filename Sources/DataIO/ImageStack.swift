import FluoCore

/// An image file read into memory as planes of `Float` (TIFF pages, or the planes of an
/// OME-Zarr image) with what the file says about its axes and spacing.
public struct ImageStack: Sendable {
    /// The file it came from.
    public var path: String
    /// Number of pages (TIFF directories; OME-Zarr planes).
    public var pageCount: Int
    /// Samples per pixel (1 for grey pages, 3 for RGB).
    public var samplesPerPixel: Int
    public var height: Int
    public var width: Int
    /// Storage type of the file's samples, e.g. `uint16`, `float32`.
    public var sampleType: String
    /// All samples as `[page][sample][y][x]`.
    public var samples: [Float]
    /// Axes and spacing from the description and resolution tags.
    public var metadata: ImageMetadata

    /// Pixel planes in the file: pages × samples per pixel.
    public var planeCount: Int { pageCount * samplesPerPixel }

    /// Channels per plane group: ImageJ/OME channels, or the samples per pixel.
    public var channelCount: Int { samplesPerPixel > 1 ? samplesPerPixel : Swift.max(1, metadata.channels) }

    /// Spacing (z, y, x) in µm with 1 µm where the file says nothing.
    public var spacingUm: [Double] {
        [metadata.zStepUm ?? 1, metadata.pixelSizeUm?.y ?? 1, metadata.pixelSizeUm?.x ?? 1]
    }

    /// The image as one volume: a single plane gives a 2-D (y, x) image, several planes a
    /// (z, y, x) stack. Files with several channels or time points are refused; use
    /// `hyperstack()` for those.
    public func volume() throws -> Volume {
        guard channelCount == 1 else {
            throw DataIOError.unsupported(path, "\(channelCount) channels where one image or stack was expected (pick a channel first)")
        }
        guard metadata.frames <= 1 || metadata.slices <= 1 else {
            throw DataIOError.unsupported(path, "\(metadata.frames) time points of \(metadata.slices) slices where one stack was expected")
        }
        let spacing = spacingUm
        if planeCount == 1 { return Volume(shape: [height, width], spacingUm: Array(spacing.suffix(2)), data: samples) }
        return Volume(shape: [planeCount, height, width], spacingUm: spacing, data: samples)
    }

    /// The planes grouped as ImageJ orders them (channel fastest, then slice, then frame):
    /// `result[frame][channel]` is a 2-D image or a (z, y, x) stack.
    public func hyperstack() throws -> [[Volume]] {
        let channels = channelCount
        let slices = Swift.max(1, metadata.source == .none ? planeCount / channels : metadata.slices)
        guard planeCount % (channels * slices) == 0 else {
            throw DataIOError.corrupt(path, "\(planeCount) planes do not divide into \(channels) channels × \(slices) slices")
        }
        let frames = planeCount / (channels * slices)
        let planeSize = height * width
        let spacing = spacingUm
        // Plane p of page g and sample s: samples are stored page-major, then sample; pages
        // in the file's order of channel, slice and frame (fastest first).
        let order = samplesPerPixel > 1 ? "CZT" : metadata.pageOrder
        func plane(frame: Int, slice: Int, channel: Int) -> ArraySlice<Float> {
            var p = 0, stride = 1
            for axis in order {
                let (index, size) = axis == "C" ? (channel, channels) : axis == "Z" ? (slice, slices) : (frame, frames)
                p += index * stride
                stride *= size
            }
            return samples[p * planeSize ..< (p + 1) * planeSize]
        }
        return (0..<frames).map { t in
            (0..<channels).map { c in
                let data = (0..<slices).flatMap { z in plane(frame: t, slice: z, channel: c) }
                return slices == 1 ? Volume(shape: [height, width], spacingUm: Array(spacing.suffix(2)), data: data)
                                   : Volume(shape: [slices, height, width], spacingUm: spacing, data: data)
            }
        }
    }
}
