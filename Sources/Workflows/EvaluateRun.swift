import DataIO
import FluoCore
import Foundation
import Metrics

/// One set of images to score against the ground truth: a TIFF, or a folder of TIFFs named
/// like the ground truth's (`<dir>/<id>.tif` for `<split>/GT/<id>.tif`).
public struct EvaluationSet: Sendable, Equatable {
    /// Name in the table, the CSV and the JSON (`prediction`, `input`, `rl`, …).
    public var name: String
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// The CARE scores of one image of one set.
public struct EvaluationRow: Codable, Equatable, Sendable {
    /// The ground truth's file name without extension.
    public var id: String
    public var method: String
    public var result: CAREEvaluation.Result

    public init(id: String, method: String, result: CAREEvaluation.Result) {
        self.id = id
        self.method = method
        self.result = result
    }
}

/// Every image's scores and the per-set summary, with the CSV, JSON and terminal renderings
/// `fluosynth evaluate` writes.
public struct EvaluationReport: Codable, Equatable, Sendable {
    /// Set names in the order given.
    public var methods: [String]
    public var rows: [EvaluationRow]
    public var summary: [String: ScoreSummary]

    /// The report of `rows`; `methods` gives the order (a method without rows has no summary).
    public init(methods: [String], rows: [EvaluationRow]) {
        self.methods = methods
        self.rows = rows
        summary = Dictionary(uniqueKeysWithValues: methods.compactMap { method in
            let scores = rows.filter { $0.method == method }.map(\.result.scores)
            return scores.isEmpty ? nil : (method, ScoreSummary(scores))
        })
    }

    /// One line per image and method: `id,method,nrmse,ssim,psnr,ms_ssim,alpha,beta,ms_ssim_scales`.
    public var csv: String {
        var lines = ["id,method,nrmse,ssim,psnr,ms_ssim,alpha,beta,ms_ssim_scales"]
        for row in rows {
            let s = row.result.scores
            let numbers = [s.nrmse, s.ssim, s.psnr, s.msSSIM, row.result.alpha, row.result.beta].map { String(format: "%.6g", $0) }
            lines.append(([EvaluationReport.csvField(row.id), EvaluationReport.csvField(row.method)] + numbers
                          + ["\(row.result.msSSIMScales)"]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as JSON: `{"prediction": {"nrmse": …, "ssim": …, "psnr": …, "ms_ssim": …,
    /// "sd": {…}, "images": n}, …}` (means under the score names).
    public func summaryJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(summary)
    }

    /// Mean ± sd per set, in the order given.
    public var table: String {
        let nameWidth = Swift.max(6, methods.map(\.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: Swift.max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = [pad("method", nameWidth) + "  images  " + ["NRMSE", "SSIM", "PSNR (dB)", "MS-SSIM"].map { pad($0, 17) }.joined(separator: "  ")]
        for method in methods {
            guard let entry = summary[method] else { continue }
            let cells = [("%.4f", \CAREEvaluation.Scores.nrmse), ("%.4f", \.ssim), ("%.2f", \.psnr), ("%.4f", \.msSSIM)].map { format, key in
                pad(String(format: format, entry.mean[keyPath: key]) + " ± " + String(format: format, entry.sd[keyPath: key]), 17)
            }
            lines.append(pad(method, nameWidth) + "  " + pad("\(entry.images)", 6) + "  " + cells.joined(separator: "  "))
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// `fluosynth evaluate`: the CARE scores (`CAREEvaluation`) of each set against the ground
/// truth, image by image.
public enum EvaluateRun {
    /// Scores every set in `sets` against `groundTruth` (a TIFF or a folder of TIFFs; each set
    /// must be the same kind, a folder holding a file of each ground-truth file's name).
    public static func run(groundTruth: String, sets: [EvaluationSet], evaluation: CAREEvaluation = CAREEvaluation(),
                           threads: Int = Parallel.availableCores) throws -> EvaluationReport {
        let names = sets.map(\.name)
        guard !sets.isEmpty else { throw WorkflowError.incomplete("nothing to evaluate: give a prediction") }
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw WorkflowError.mismatch("two image sets are named '\(duplicate)'")
        }
        let cases = try pairs(groundTruth: groundTruth, sets: sets)
        let results = ResultSlots<[EvaluationRow]>(count: cases.count)
        Parallel.forEach(cases.count, threads: threads) { index in
            results.set(index, Result { try evaluate(cases[index], names: names, evaluation: evaluation) })
        }
        return EvaluationReport(methods: names, rows: try results.values().flatMap { try $0.get() })
    }

    /// One ground truth and the matching file of every set.
    struct Case: Sendable {
        var id: String
        var groundTruth: String
        var files: [String]
    }

    /// Pairs files by name: one case for two files, one per ground-truth TIFF for folders.
    static func pairs(groundTruth: String, sets: [EvaluationSet]) throws -> [Case] {
        let gtIsFolder = try isFolder(groundTruth, role: "ground truth")
        for set in sets where try isFolder(set.path, role: set.name) != gtIsFolder {
            throw WorkflowError.mismatch("\(set.name) \(set.path) is a \(gtIsFolder ? "file" : "folder") but the ground truth \(groundTruth) is a \(gtIsFolder ? "folder" : "file"): give both as files or both as folders")
        }
        guard gtIsFolder else {
            return [Case(id: stem(groundTruth), groundTruth: groundTruth, files: sets.map(\.path))]
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: groundTruth)
            .filter { !$0.hasPrefix(".") && ["tif", "tiff"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .sorted()
        guard !names.isEmpty else { throw WorkflowError.incomplete("\(groundTruth): no TIFF files in the ground-truth folder") }
        return try names.map { name in
            let files = try sets.map { set -> String in
                let candidates = ["tif", "tiff"].map { set.path + "/" + stem(name) + "." + $0 }
                guard let file = ([set.path + "/" + name] + candidates).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                    throw WorkflowError.incomplete("\(set.name) folder \(set.path) has no \(name) (the ground truth \(groundTruth) has it)")
                }
                return file
            }
            return Case(id: stem(name), groundTruth: groundTruth + "/" + name, files: files)
        }
    }

    /// The scores of one case's files.
    static func evaluate(_ item: Case, names: [String], evaluation: CAREEvaluation) throws -> [EvaluationRow] {
        let truth = try ImageFile.read(item.groundTruth).volume()
        return try zip(names, item.files).map { name, file in
            let image = try ImageFile.read(file).volume()
            do {
                return EvaluationRow(id: item.id, method: name, result: try evaluation.evaluate(prediction: image, groundTruth: truth))
            } catch let error as MetricsError {
                throw WorkflowError.mismatch("\(file) against \(item.groundTruth): \(error)")
            }
        }
    }

    static func isFolder(_ path: String, role: String) throws -> Bool {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else {
            throw WorkflowError.incomplete("\(path): no such file or folder (\(role))")
        }
        return directory.boolValue
    }

    static func stem(_ path: String) -> String { URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
}

/// Per-index results written by worker threads.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<Value, Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    /// The results in index order (every slot must be filled).
    func values() -> [Result<Value, Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
