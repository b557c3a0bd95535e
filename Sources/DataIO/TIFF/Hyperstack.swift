import FluoCore

extension TIFFWriter {
    /// Writes time points of channels, `frames[t][c]` (2-D images or (z, y, x) stacks, all of
    /// one shape and spacing): a plain image or stack when there is one of each, else an ImageJ
    /// hyperstack with the channel varying fastest, then the slice, then the frame
    /// (`channelNames` name the channels of OME-TIFFs).
    public static func write(hyperstack frames: [[Volume]], to path: String, as type: TIFFSampleType = .float32,
                             channelNames: [String] = []) throws {
        let first = frames[0][0]
        guard frames.count > 1 || frames[0].count > 1 else { return try write(first, to: path, as: type, channelNames: channelNames) }
        guard frames.allSatisfy({ $0.count == frames[0].count && $0.allSatisfy { $0.shape == first.shape } }) else {
            throw DataIOError.writeFailed(path, "a hyperstack needs the same channels and shape in every frame")
        }
        let slices = first.rank == 3 ? first.shape[0] : 1
        let plane = first.shape.suffix(2).reduce(1, *)
        var data: [Float] = []
        data.reserveCapacity(frames.count * frames[0].count * first.count)
        for channels in frames {
            for z in 0..<slices {
                for channel in channels { data += channel.data[z * plane ..< (z + 1) * plane] }
            }
        }
        let pages = frames.count * frames[0].count * slices
        let planes = Volume(shape: [pages] + Array(first.shape.suffix(2)),
                            spacingUm: [first.rank == 3 ? first.spacingUm[0] : 1] + Array(first.spacingUm.suffix(2)), data: data)
        try write(planes: planes, channels: frames[0].count, frames: frames.count, to: path, as: type, channelNames: channelNames)
    }
}
