import Testing

@testable import TelegateCore

/// Sortable ids: 48 bits of milliseconds then 80 random bits, as 26 characters of Crockford's base32.
@Suite("Sortable ids")
struct SortableIDTests {
    @Test("Crockford encoding of known values (two zero bits, then the 128 bits, five at a time)")
    func knownValues() {
        #expect(Crockford.encode128(Array(0x10...0x1F)) == "0G2491650N2RBHG68T3CE1T7GZ")
        #expect(Crockford.encode128(Array(repeating: 0xFF, count: 16)) == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
        #expect(Crockford.encode128(Array(repeating: 0, count: 16)) == String(repeating: "0", count: 26))
    }

    @Test("Ids sort by their time, are valid, and differ within one millisecond")
    func sortable() {
        let earlier = SortableID.generate(milliseconds: 1_790_000_000_000)
        let later = SortableID.generate(milliseconds: 1_790_000_000_001)
        let again = SortableID.generate(milliseconds: 1_790_000_000_001)
        #expect(earlier < later)
        #expect(later != again)
        #expect(later.prefix(10) == again.prefix(10))
        #expect([earlier, later, again].allSatisfy { SortableID.isValid($0[...]) })
    }
}
