import Foundation

/// Independent Python reference implementations (psfmodels, tifffile, scikit-image,
/// csbdeep, …) in a virtual environment made by `scripts/python-env`.
///
/// Tests that need it use `.enabled(if: PythonReference.isAvailable)`. Where the packages
/// cannot be installed (no network) those tests are skipped with a message on stderr;
/// with `FLUOSYNTH_REQUIRE_PYTHON=1` (set by CI) they run anyway and fail instead.
public enum PythonReference {
    /// Path of the environment's interpreter, or `nil` when it could not be made.
    public static let python: String? = {
        let script = TestPaths.packageRoot + "/scripts/python-env"
        let result = try? Shell.run(script, [])
        if let result, result.status == 0 {
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        FileHandle.standardError.write(Data("""
            note: Python reference checks skipped: scripts/python-env failed \
            (\(result?.stderr.trimmingCharacters(in: .whitespacesAndNewlines) ?? "not runnable")).\n
            """.utf8))
        return nil
    }()

    /// Whether reference checks should run.
    public static var isAvailable: Bool {
        ProcessInfo.processInfo.environment["FLUOSYNTH_REQUIRE_PYTHON"] == "1" || python != nil
    }

    /// Runs `Tests/Python/<script>` with `arguments`; throws with its stderr when it fails.
    @discardableResult
    public static func run(_ script: String, _ arguments: [String]) throws -> String {
        guard let python else { throw ShellError.failed("the Python environment is unavailable (scripts/python-env)") }
        let result = try Shell.run(python, [TestPaths.packageRoot + "/Tests/Python/" + script] + arguments)
        guard result.status == 0 else {
            throw ShellError.failed("\(script) exited \(result.status):\n\(result.stderr)\(result.stdout)")
        }
        return result.stdout
    }
}

/// Locations tests need.
public enum TestPaths {
    /// The package's root folder.
    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The real microscopy data: `$FLUOSYNTH_SHARED_DATA`, else `../shared/data` beside the project
    /// (tests that need it are skipped where it is missing).
    public static var sharedData: String {
        ProcessInfo.processInfo.environment["FLUOSYNTH_SHARED_DATA"] ?? packageRoot + "/../shared/data"
    }

    /// A built executable of this package (same build folder as the tests).
    public static func executable(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// A new empty folder under the system's temporary directory.
    public static func temporaryDirectory(_ label: String = "test") -> String {
        let path = NSTemporaryDirectory() + "fluosynth-\(label)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
