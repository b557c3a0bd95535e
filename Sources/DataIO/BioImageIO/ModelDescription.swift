import Foundation

/// The part of a bioimage.io model resource description (`rdf.yaml`, format 0.5) that
/// FluoSynth writes: one or more float32 tensors in and out, ONNX weights, test tensors,
/// covers, documentation and attachments. Property names are the spec's in camel case;
/// `ModelPackage` writes them in snake case.
public struct ModelDescription: Encodable, Sendable {
    public var formatVersion = "0.5.4"
    public var type = "model"
    public var name: String
    public var description: String
    public var authors: [Person]
    public var cite: [Citation]
    public var license: String
    public var tags: [String]
    public var documentation: String
    public var covers: [String]
    public var timestamp: String
    public var inputs: [Tensor]
    public var outputs: [Tensor]
    public var weights: Weights
    public var attachments: [File]

    public init(name: String, description: String, authors: [Person], cite: [Citation], license: String, tags: [String],
                documentation: String, covers: [String], timestamp: Date, inputs: [Tensor], outputs: [Tensor],
                weights: Weights, attachments: [File]) {
        (self.name, self.description, self.authors, self.cite, self.license, self.tags) = (name, description, authors, cite, license, tags)
        (self.documentation, self.covers, self.inputs, self.outputs) = (documentation, covers, inputs, outputs)
        (self.weights, self.attachments) = (weights, attachments)
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime]
        self.timestamp = format.string(from: timestamp)
    }

    public struct Person: Encodable, Sendable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct Citation: Encodable, Sendable {
        public var text: String
        public var doi: String
        public init(text: String, doi: String) { (self.text, self.doi) = (text, doi) }
    }

    public struct File: Encodable, Sendable {
        public var source: String
        public init(source: String) { self.source = source }
    }

    /// A tensor: its axes, its test tensor (a `.npy` file in the package) and processing.
    public struct Tensor: Encodable, Sendable {
        public var id: String
        public var description: String
        public var axes: [Axis]
        public var testTensor: File
        /// The same data as an image file, for viewers.
        public var sampleTensor: File?
        public var preprocessing: [Processing]?

        public init(id: String, description: String, axes: [Axis], testTensor: String, sampleTensor: String? = nil,
                    preprocessing: [Processing]? = nil) {
            (self.id, self.description, self.axes, self.preprocessing) = (id, description, axes, preprocessing)
            self.testTensor = File(source: testTensor)
            self.sampleTensor = sampleTensor.map(File.init)
        }
    }

    /// One axis of a tensor.
    public struct Axis: Encodable, Sendable {
        public var type: String
        public var id: String?
        public var channelNames: [String]?
        public var size: Size?
        public var halo: Int?
        public var scale: Double?
        public var unit: String?

        /// The batch axis.
        public static var batch: Axis { Axis(type: "batch") }
        /// A channel axis with one name per channel.
        public static func channel(_ names: [String]) -> Axis { Axis(type: "channel", channelNames: names) }
        /// A spatial axis `id` (z, y or x) with its size, pixel size in µm and halo.
        public static func space(_ id: String, size: Size, micrometres: Double, halo: Int? = nil) -> Axis {
            Axis(type: "space", id: id, size: size, halo: halo, scale: micrometres, unit: "micrometer")
        }
    }

    /// An axis size: fixed, min + n·step, or equal to another tensor's axis.
    public enum Size: Encodable, Sendable {
        case fixed(Int)
        case parameterized(min: Int, step: Int)
        case reference(tensor: String, axis: String)

        public func encode(to encoder: Encoder) throws {
            switch self {
            case .fixed(let n):
                var c = encoder.singleValueContainer()
                try c.encode(n)
            case .parameterized(let min, let step):
                try ["min": min, "step": step].encode(to: encoder)
            case .reference(let tensor, let axis):
                try ["tensor_id": tensor, "axis_id": axis].encode(to: encoder)
            }
        }
    }

    /// A pre- or post-processing step.
    public struct Processing: Encodable, Sendable {
        public var id: String
        public var kwargs: ScaleRange

        /// `scale_range`: (x − p_low)/(p_high − p_low + eps), percentiles over `axes` (per
        /// sample and channel when `axes` are the spatial ones).
        public static func scaleRange(axes: [String], minPercentile: Double, maxPercentile: Double, eps: Double) -> Processing {
            Processing(id: "scale_range", kwargs: ScaleRange(axes: axes, minPercentile: minPercentile, maxPercentile: maxPercentile, eps: eps))
        }
    }

    public struct ScaleRange: Encodable, Sendable {
        public var axes: [String]
        public var minPercentile: Double
        public var maxPercentile: Double
        public var eps: Double
    }

    public struct Weights: Encodable, Sendable {
        public var onnx: ONNXWeights
        public init(onnx: ONNXWeights) { self.onnx = onnx }
    }

    public struct ONNXWeights: Encodable, Sendable {
        public var source: String
        public var opsetVersion: Int
        public init(source: String, opsetVersion: Int) { (self.source, self.opsetVersion) = (source, opsetVersion) }
    }
}
