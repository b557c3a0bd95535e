import FluoCore
import Foundation
import Testing

@Suite("Strict decoding")
struct StrictDecodingTests {
    struct Example: Decodable {
        var count: Int
        var lengthUm: Double?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case count
            case lengthUm = "length_um"
        }
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            count = try c.decode(Int.self, forKey: .count)
            lengthUm = try c.decodeIfPresent(Double.self, forKey: .lengthUm)
        }
    }

    @Test func misspeltOptionalKeyIsRejectedWithSuggestion() throws {
        let json = Data(#"{"count": 3, "lenght_um": 2}"#.utf8)
        do {
            _ = try JSONDecoder().decode(Example.self, from: json)
            Issue.record("a misspelt key was accepted")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("unknown key 'lenght_um'"))
            #expect(context.debugDescription.contains("did you mean 'length_um'"))
            #expect(context.codingPath.last?.stringValue == "lenght_um")
        }
    }

    @Test func nearestMatchOnlySuggestsCloseWords() {
        #expect(nearestMatch(to: "photns", in: ["photons", "offset"]) == "photons")
        #expect(nearestMatch(to: "zzzzzz", in: ["photons", "offset"]) == nil)
        #expect(editDistance("kitten", "sitting") == 3)
    }
}
