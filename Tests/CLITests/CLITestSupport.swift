import Foundation
import TestSupport

/// Runs the built `fluosynth` executable.
func fluosynth(_ arguments: [String], in folder: String? = nil) throws -> Shell.Result {
    try Shell.run(TestPaths.executable("fluosynth"), arguments, currentDirectory: folder)
}
