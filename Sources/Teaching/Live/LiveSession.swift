import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Yams

/// The model behind `fluosynth explain --serve`: one spec and sample, re-rendered for each
/// setting of the page's controls through the spec itself. A setting replaces the key in the
/// spec's document (at the top level, and in the explained condition where that sets it too),
/// and the document is loaded and validated as `generate` loads it, so a bad value gets the
/// spec's own message (file, line, key), and the settings can be downloaded as a spec that
/// `generate` accepts unchanged.
public struct LiveSession: Sendable {
    /// The spec as read, with a phantom preset written out in place of its name (so that the
    /// phantom's parameters are keys like any other).
    public let document: SpecDocument
    public let folder: String
    public let sample: Int
    public let threads: Int
    let presets: PresetLibrary
    /// The controls the spec has, with their current values.
    public let controls: [LiveControl]
    let rank: Int
    let groundTruthPixelUm: [Double]

    /// The largest grid a setting may ask for (voxels): renders stay interactive and bounded.
    public static let maximumVoxels = 1 << 22
    /// The longest setting value read (characters).
    static let maximumValueLength = 64

    public init(specPath: String, sample: Int, threads: Int = Parallel.availableCores, presets: PresetLibrary = .standard()) throws {
        var document = try SpecDocument(contentsOf: specPath)
        if case let .scalar(name)? = document.node(atKeyPath: "phantom"), let preset = presets.path(of: name.string) {
            document = document.replacing(SpecDocument.keyPath("phantom"), with: try SpecDocument(contentsOf: preset).root)
        }
        let folder = URL(fileURLWithPath: specPath).deletingLastPathComponent().path
        let spec = try SpecLoader.load(document, folder: folder, presets: presets)
        guard sample < spec.template.samples else {
            throw TeachingError.invalidRequest("sample \(sample) does not exist: the spec makes \(spec.template.samples)")
        }
        (self.document, self.folder, self.sample, self.threads, self.presets) = (document, folder, sample, threads, presets)
        rank = spec.template.shape.count
        groundTruthPixelUm = spec.template.pixelSizeUm
        let subsample = spec.template.conditions.first?.acquisition.subsample ?? spec.template.acquisition.subsample
        controls = LiveControl.catalogue.compactMap { entry in
            LiveSession.control(entry, document: document, rank: spec.template.shape.count, pixelUm: spec.template.pixelSizeUm, subsample: subsample)
        }
    }

    /// The control for a catalogue entry where the spec has its key as a number (or a range),
    /// a name or a list; the derived ones where the grid has their axes.
    static func control(_ entry: (key: String, label: String, kind: LiveControl.Kind), document: SpecDocument, rank: Int,
                        pixelUm: [Double], subsample: [AxisResampling]) -> LiveControl? {
        func factor(_ axis: Axis) -> Double { subsample.filter { $0.axis == axis }.map(\.factor).reduce(1, *) }
        let value: String
        switch entry.key {
        case LiveControl.cameraPixelKey: value = number(pixelUm[rank - 1] * factor(.x))
        case LiveControl.zStepKey:
            guard rank == 3 else { return nil }
            value = number(pixelUm[0] * factor(.z))
        default:
            switch document.node(atKeyPath: "conditions[0]." + entry.key) ?? document.node(atKeyPath: entry.key) {
            case let .scalar(scalar)?: value = scalar.string
            case let .sequence(items)? where entry.kind == .integers: value = items.compactMap(\.scalar?.string).joined(separator: ",")
            case let .sequence(items)?: guard let low = items.first?.scalar?.string else { return nil }; value = low
            default: return nil
            }
        }
        let label = entry.kind == .integers ? entry.label.replacingOccurrences(of: "(z, y, x)", with: rank == 3 ? "(z, y, x)" : "(y, x)") : entry.label
        return LiveControl(key: entry.key, label: label, kind: entry.kind, value: value)
    }

    /// The spec's document with `settings` (control key → value) applied; unknown keys and
    /// values that are not of the control's kind are refused naming the key.
    public func document(applying settings: [String: String]) throws -> SpecDocument {
        var document = self.document
        for (key, text) in settings.sorted(by: { $0.key < $1.key }) {
            guard let control = controls.first(where: { $0.key == key }) else {
                throw LiveRequestError(parameter: key, message: "not a setting of this page; settings: \(controls.map(\.key).joined(separator: ", "))")
            }
            guard text.count <= LiveSession.maximumValueLength else { throw LiveRequestError(parameter: key, message: "the value is too long") }
            switch control.kind {
            case .number:
                guard let value = Double(text), value.isFinite else { throw LiveRequestError(parameter: key, message: "'\(text)' is not a number") }
                switch key {
                case LiveControl.cameraPixelKey: document = try setting(lateralPixelUm: value, in: document)
                case LiveControl.zStepKey: document = try setting(zStepUm: value, in: document)
                default: document = LiveSession.setting(key, to: Node(LiveSession.number(value)), in: document)
                }
            case let .choice(names):
                guard names.contains(text) else { throw LiveRequestError(parameter: key, message: "'\(text)' is not one of \(names.joined(separator: ", "))") }
                document = LiveSession.setting(key, to: Node(text), in: document)
            case .integers:
                let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard sizes.count == rank, sizes.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                    throw LiveRequestError(parameter: key, message: "'\(text)' is not \(rank) positive integers separated by commas")
                }
                let voxels = sizes.map { $0! }.saturatingProduct
                guard voxels <= LiveSession.maximumVoxels else {
                    throw LiveRequestError(parameter: key, message: "\(text) is \(voxels) voxels; the live page renders at most \(LiveSession.maximumVoxels)")
                }
                document = LiveSession.setting(key, to: .sequence(.init(sizes.map { Node(String($0!)) })), in: document)
            }
        }
        return document
    }

    /// Renders the sample with `settings` applied: the explanation `fluosynth explain` would
    /// make of the resulting spec.
    public func render(_ settings: [String: String]) throws -> Explanation {
        let document = try self.document(applying: settings)
        let spec: LoadedSpec
        do {
            spec = try SpecLoader.load(document, folder: folder, presets: presets)
        } catch let error as SpecError {
            throw LiveRequestError(parameter: error.path, message: error.message)
        }
        return try Explanation(spec: spec, specPath: document.file, sample: sample, sweep: nil, threads: threads)
    }

    /// `document` with the node at `key` replaced at the top level, and in the first condition
    /// (the one explained) where that sets the key itself.
    static func setting(_ key: String, to value: Node, in document: SpecDocument) -> SpecDocument {
        var result = document.replacing(SpecDocument.keyPath(key), with: value)
        let inCondition = "conditions[0]." + key
        if !key.hasPrefix("phantom"), key != "shape", document.node(atKeyPath: inCondition) != nil {
            result = result.replacing(SpecDocument.keyPath(inCondition), with: value)
        }
        return result
    }

    /// `acquisition.subsample` with y and x integrating `pixelUm / ground-truth pixel` samples
    /// (at least 1), its z entry kept.
    func setting(lateralPixelUm pixelUm: Double, in document: SpecDocument) throws -> SpecDocument {
        let factors = try [Axis.y, .x].map { axis -> String in
            let factor = pixelUm / groundTruthPixelUm[axis.index(inRank: rank)!]
            guard factor >= 1 - 1e-9 else {
                throw LiveRequestError(parameter: LiveControl.cameraPixelKey,
                                       message: "the camera pixel cannot be finer than the ground truth's \(LiveSession.number(groundTruthPixelUm[rank - 1])) µm")
            }
            return "{axis: \(axis.rawValue), factor: \(LiveSession.number(Swift.max(factor, 1))), mode: integrate}"
        }
        return try replacingSubsample(in: document, keeping: .z, with: factors)
    }

    /// `acquisition.subsample` with z sampled every `stepUm / ground-truth z spacing` (at least
    /// 1) planes, in the mode it had (point where it had none), its y and x entries kept.
    func setting(zStepUm stepUm: Double, in document: SpecDocument) throws -> SpecDocument {
        let factor = stepUm / groundTruthPixelUm[0]
        guard factor >= 1 - 1e-9 else {
            throw LiveRequestError(parameter: LiveControl.zStepKey,
                                   message: "the z step cannot be finer than the ground truth's \(LiveSession.number(groundTruthPixelUm[0])) µm")
        }
        let mode = subsampleEntries(of: document).first { $0.axis == "z" }?.mode ?? "point"
        return try replacingSubsample(in: document, keeping: .y, .x, with: ["{axis: z, factor: \(LiveSession.number(Swift.max(factor, 1))), mode: \(mode)}"])
    }

    /// The subsample entries (axis, mode) of the explained condition, or the top level's.
    func subsampleEntries(of document: SpecDocument) -> [(axis: String, mode: String)] {
        let node = document.node(atKeyPath: "conditions[0].acquisition.subsample") ?? document.node(atKeyPath: "acquisition.subsample")
        return (node?.sequence ?? []).map { ($0["axis"]?.string ?? "", $0["mode"]?.string ?? "") }
    }

    /// `acquisition.subsample` with the entries of the `kept` axes and then `entries` (flow YAML).
    func replacingSubsample(in document: SpecDocument, keeping kept: Axis..., with entries: [String]) throws -> SpecDocument {
        let node = document.node(atKeyPath: "conditions[0].acquisition.subsample") ?? document.node(atKeyPath: "acquisition.subsample")
        let old = (node?.sequence ?? []).filter { entry in kept.contains { $0.rawValue == entry["axis"]?.string } }
        guard case let .sequence(new)? = try Yams.compose(yaml: "[" + entries.joined(separator: ", ") + "]") else {
            throw LiveRequestError(parameter: "acquisition.subsample", message: "cannot be written")
        }
        return LiveSession.setting("acquisition.subsample", to: .sequence(.init(old + Array(new))), in: document)
    }

    /// A number as a spec writes it: the shortest text that reads back the same.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}

/// A setting the live page cannot render, naming the parameter (a control key or the spec key
/// whose validation failed).
public struct LiveRequestError: Error, CustomStringConvertible, Equatable {
    public var parameter: String
    public var message: String

    public init(parameter: String, message: String) {
        (self.parameter, self.message) = (parameter, message)
    }

    public var description: String { "\(parameter): \(message)" }
}
