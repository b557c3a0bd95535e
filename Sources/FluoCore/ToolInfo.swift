/// The tool's name and version, as written into manifests and model configs.
public enum ToolInfo {
    public static let name = "fluosynth"
    public static let version = "0.1.0"
}
