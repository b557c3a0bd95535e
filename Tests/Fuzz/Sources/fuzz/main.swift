import Foundation
import FuzzInputs

/// The target `$FLUOSYNTH_FUZZ_TARGET` names (a key of `FuzzInput.targets`), chosen once.
let target: @Sendable (Data) -> Error? = {
    let name = ProcessInfo.processInfo.environment["FLUOSYNTH_FUZZ_TARGET"] ?? ""
    guard let target = FuzzInput.targets[name] else {
        fatalError("set FLUOSYNTH_FUZZ_TARGET to one of \(FuzzInput.targets.keys.sorted().joined(separator: ", "))")
    }
    return target
}()

/// libFuzzer's entry point: one input through the chosen target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    _ = target(Data(bytes: start, count: count))
    return 0
}
