import DataIO
import DatasetSpec
import FluoCore
import Foundation

/// `<split>/<role>.zarr`: the dataset as OME-Zarr, one image per split and role (GT and each
/// condition) with the samples along `t` in sample order and their ids under
/// `fluosynth.samples` in `.zattrs`. Made from the per-sample files one sample at a time, so
/// memory holds one sample whatever the dataset's size.
enum DatasetZarr {
    static func write(records: [SampleRecord], conditions: [String], images: PairLayout, layout: PairLayout) throws {
        for split in Split.names {
            let rows = records.filter { $0.split == split }
            guard !rows.isEmpty else { continue }
            for role in ["GT"] + conditions {
                func path(_ id: String) -> String {
                    role == "GT" ? images.groundTruth(split: split, id: id) : images.input(split: split, condition: role, id: id)
                }
                let first = try SampleWriter.read(path(rows[0].id))
                let names = first.count == 1 ? [role] : first.indices.map { "\(role) \($0)" }
                let image = OMEZarr.Layout(frames: rows.count, channels: first.count, shape: first[0].shape, spacingUm: first[0].spacingUm,
                                           channelNames: names, notes: ["samples": rows.map(\.id)])
                let zarr = layout.zarr(split: split, role: role)
                try OMEZarr.writeAtomically(to: zarr) { temporary in
                    let writer = try OMEZarr.Writer(path: temporary, name: URL(fileURLWithPath: zarr).lastPathComponent, layout: image)
                    for (t, row) in rows.enumerated() {
                        let channels = t == 0 ? first : try SampleWriter.read(path(row.id))
                        guard channels.count == image.channels, channels[0].shape == image.shape else {
                            throw WorkflowError.mismatch("the \(role) images of \(split) differ in shape; OME-Zarr needs one shape per split and role")
                        }
                        try writer.write(frame: t, channels: channels)
                    }
                    try writer.finish()
                }
            }
        }
    }
}
