import ArgumentParser
import Workflows

/// Refuses, before any work, an output name that is not an image file FluoSynth writes
/// (`.tif`, `.tiff`, `.ome.tif`, `.zarr`), naming the option.
func validateImageOutput(_ path: String?, option: String) throws {
    guard let path else { return }
    do {
        _ = try ImageFile.kind(of: path)
    } catch {
        throw ValidationError("\(option) \(error)")
    }
}
