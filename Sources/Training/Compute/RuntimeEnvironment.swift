import Foundation

/// The environment variables that the libraries under the training code read once, when they
/// are loaded (before `main`), set to what this machine runs fastest with.
///
/// - `OPENBLAS_CORETYPE`: OpenBLAS's kernel family, where its own choice is weaker than the
///   CPU's best (`OpenBLASRuntime.coreTypeCorrection`).
/// - `OMP_WAIT_POLICY=PASSIVE`, where the environment sets no policy. oneDNN (Debian's build)
///   runs its threads on GNU OpenMP, whose idle threads spin for a while after every parallel
///   region. Between two oneDNN convolutions FluoSynth runs the other layers on its own
///   workers, which then compete with the spinning threads for the cores. Measured on 2 cores,
///   same binary and run (`fluosynth train`, `fluobench training --no-peer`): a small 3-D RCAN
///   trains at 6.76 steps/s passive against 5.48 with libgomp's default (+23 %); 3D-RCAN's
///   default network at 0.641 against 0.613 steps/s and predicts a 32×128×128 stack in 3.90 s
///   against 4.67; CARE's 3-D U-Net trains at 1.041 against 0.996 steps/s.
public enum RuntimeEnvironment {
    /// Re-executes this program once with the variables above set, when any is not yet as
    /// wanted. Call first thing in `main`. Returns without doing anything when nothing needs
    /// changing or when the re-exec fails (the variables are then restored).
    public static func reexecIfNeeded() {
        var changes: [(name: String, value: String)] = []
        if let core = OpenBLASRuntime.coreTypeCorrection() {
            if let notice = core.notice { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
            changes.append(("OPENBLAS_CORETYPE", core.value))
        }
        if getenv("OMP_WAIT_POLICY") == nil { changes.append(("OMP_WAIT_POLICY", "PASSIVE")) }
        guard !changes.isEmpty else { return }
        let previous = changes.map { (name: $0.name, value: getenv($0.name).map { String(cString: $0) }) }
        for change in changes { setenv(change.name, change.value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when execv failed: carry on with the libraries as loaded.
        for variable in previous {
            if let value = variable.value { setenv(variable.name, value, 1) } else { unsetenv(variable.name) }
        }
    }
}
