import Testing

@testable import TelegateServer

/// Request ids Telegate makes up: 20 characters of a lowercase, log-safe alphabet, 100 random bits.
@Suite("Request ids")
struct RequestIDTests {
    @Test("Generated ids are 20 characters of the alphabet, all distinct, every position varying")
    func generated() {
        let ids = (0..<2_000).map { _ in RequestID.generate() }
        let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz".utf8)
        #expect(ids.allSatisfy { $0.utf8.count == 20 && $0.utf8.allSatisfy(alphabet.contains) })
        #expect(Set(ids).count == ids.count)
        for position in 0..<20 {
            let letters = Set(ids.map { Array($0.utf8)[position] })
            #expect(letters.count == 32, "position \(position) takes \(letters.count) letters")
        }
    }
}
