/// Comparison of secret values (hashes, state values, CSRF tokens, PKCE challenges) whose time does not depend on
/// where they first differ. Values of different lengths are unequal at once: lengths are not secret here.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether `a` and `b` are the same UTF-8 bytes.
    public static func equal(_ a: String, _ b: String) -> Bool {
        equal(Array(a.utf8), Array(b.utf8))
    }
}
