import FluoCore
import Foundation
@testable import Phantoms
import Testing

@Suite("Parameter coding")
struct CodingTests {
    /// A number, a range and each `{distribution: …}` form decode to the right case; a
    /// misspelt key inside one is rejected with a suggestion.
    @Test func distributionsDecodeFromEveryForm() throws {
        func decode(_ json: String) throws -> Distribution {
            try JSONDecoder().decode([String: Distribution].self, from: Data("{\"v\": \(json)}".utf8))["v"]!
        }
        #expect(try decode("5") == .constant(5))
        #expect(try decode("[1, 3]") == .uniform(min: 1, max: 3))
        #expect(try decode(#"{"distribution": "lognormal", "mean": 0.15, "sd": 0.05}"#) == .logNormal(mean: 0.15, sd: 0.05))
        #expect(try decode(#"{"distribution": "normal", "mean": 2, "sd": 1}"#) == .normal(mean: 2, sd: 1))
        #expect(try decode(#"{"distribution": "poisson", "mean": 20}"#) == .poisson(mean: 20))
        #expect(try decode(#"{"distribution": "constant", "value": 4}"#) == .constant(4))
        #expect(try decode(#"{"distribution": "loguniform", "min": 15, "max": 600}"#) == .logUniform(min: 15, max: 600))
        #expect(throws: DecodingError.self) { try decode("[1, 2, 3]") }
        do {
            _ = try decode(#"{"distribution": "normal", "mean": 2, "sdd": 1}"#)
            Issue.record("a misspelt key was accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("did you mean 'sd'?"))
        }
    }

    /// A log-uniform's stated mean and standard deviation are those of its draws; it survives a
    /// JSON round trip; a minimum ≤ 0 (no logarithm) or a reversed range is refused.
    @Test func logUniformMomentsCodingAndValidation() throws {
        let distribution = Distribution.logUniform(min: 15, max: 600)
        var stream = RandomStream(seed: 4)
        let draws = (0..<200_000).map { _ in distribution.sample(&stream) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let sd = (draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)).squareRoot()
        #expect(abs(distribution.mean - 158.59) < 0.01)   // 585 / ln 40
        #expect(abs(mean / distribution.mean - 1) < 0.01)
        #expect(abs(sd / distribution.standardDeviation - 1) < 0.02)
        let json = try JSONEncoder().encode(["v": distribution])
        #expect(try JSONDecoder().decode([String: Distribution].self, from: json)["v"] == distribution)
        try distribution.validate("peak_photons", .positive)
        #expect(throws: PhantomError.self) { try Distribution.logUniform(min: 0, max: 600).validate("peak_photons", .positive) }
        #expect(throws: PhantomError.self) { try Distribution.logUniform(min: 600, max: 15).validate("peak_photons", .positive) }
    }

    /// Parameters survive a JSON round trip (the manifest of a dataset records them).
    @Test func parametersRoundTrip() throws {
        let encoded = try JSONEncoder().encode(DeterminismTests.mixture)
        let decoded = try JSONDecoder().decode(PhantomParameters.self, from: encoded)
        #expect(decoded == DeterminismTests.mixture)
        let single = PhantomParameters(.microtubules(MicrotubuleParameters(speckleDensityPerUm: 3)))
        #expect(try JSONDecoder().decode(PhantomParameters.self, from: JSONEncoder().encode(single)) == single)
    }

    /// Values out of range are rejected naming the key, within a mixture by its position.
    @Test func validationNamesTheKey() throws {
        let bad = PhantomParameters(components: [
            PhantomComponent(.granules(GranuleParameters())),
            PhantomComponent(.microtubules(MicrotubuleParameters(persistenceLengthUm: .constant(-1)))),
        ])
        #expect(throws: PhantomError.invalidParameter("components[1].persistence_length_um", "must be > 0, got -1.0")) {
            try bad.validate(rank: 2)
        }
        let density = PhantomParameters(.granules(GranuleParameters(number: ObjectCount(densityPerUm2: 1))))
        #expect(throws: PhantomError.invalidParameter("density_per_um3", "a 3-D shape needs count or density_per_um3")) {
            try density.validate(rank: 3)
        }
    }
}
