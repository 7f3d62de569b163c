/// The identifier of an app: a lowercase slug (`poll`, `my-mini-app`), used in URLs and as the issuer path.
public struct AppID: Identifier {
    public let rawValue: String
    public init?(rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}

/// The name of a provider adapter within an app (`convex`, `clerk`).
public struct AdapterName: Identifier {
    public let rawValue: String
    public init?(rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}

/// Shared behaviour of slug identifiers.
public protocol Identifier: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible
where RawValue == String {}

extension Identifier {
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// `^[a-z0-9][a-z0-9-]{0,62}$`: safe in URLs, logs, metric labels and file names.
enum Slug {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes[0] != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}

/// Telegate's own stable user id: `usr_` and 26 Crockford base32 characters (48-bit millisecond time, 80 random
/// bits). Never derived from anything Telegram sends.
public struct UserID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard bytes.count == 30, rawValue.hasPrefix("usr_"),
            bytes.dropFirst(4).allSatisfy({ Crockford.alphabet.contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    /// A new id for a user created at `milliseconds` since the epoch.
    public static func generate(milliseconds: UInt64) -> UserID {
        UserID(rawValue: "usr_" + SortableID.generate(milliseconds: milliseconds))!
    }

    public var description: String { rawValue }
}

/// 26 characters that sort by creation time: a 48-bit millisecond timestamp and 80 random bits in Crockford's
/// base32 (whose alphabet is in ASCII order). New rows with such keys land at the end of an index, so inserts
/// touch a few hot pages instead of random ones.
public enum SortableID {
    /// A new id for `milliseconds` since the epoch.
    public static func generate(milliseconds: UInt64) -> String {
        var value: [UInt8] = (0..<6).map { UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64($0))) }
        value += SecureRandom.bytes(10)
        return Crockford.encode128(value)
    }

    /// Whether `text` has the shape of an id.
    public static func isValid(_ text: Substring) -> Bool {
        text.utf8.count == 26 && text.utf8.allSatisfy { Crockford.alphabet.contains($0) }
    }
}

/// Crockford's base32, for sortable ids.
enum Crockford {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// 16 bytes as 26 characters (the first character carries the top 3 bits).
    static func encode128(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == 16)
        let value = bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        return String(unsafeUninitializedCapacity: 26) { output in
            for index in 0..<26 { output[index] = alphabet[Int(truncatingIfNeeded: value >> (125 - 5 * index)) & 31] }
            return 26
        }
    }
}

/// The `client_id` of an OAuth client of an app's OpenID Provider (`django`, `keycloak`): a lowercase slug, unique
/// within its app.
public struct ClientID: Identifier {
    public let rawValue: String
    public init?(rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }
}
