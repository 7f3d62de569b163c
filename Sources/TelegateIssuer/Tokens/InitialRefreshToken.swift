import Crypto
import TelegateCore
import TelegramAuth

/// The first refresh token of a family, which nothing stores: what the family needs is sealed inside it.
///
/// An exchange therefore writes nothing for a returning user; the family is stored when this token is first
/// used (rotated). The sealed part is AES-256-GCM under a key derived from the master key, with `rt_<family
/// id>` and the app id as associated data, so it cannot be altered, moved to another family, or presented to
/// another app, and it tells the client nothing.
struct InitialRefreshToken: Equatable {
    /// The family the token starts, as it will be stored when the token is first used: its id and app travel
    /// outside the sealed part (the id in the token, the app as associated data), the rest inside.
    let family: RefreshFamily
    /// This token's end.
    let expiresAt: Int64

    /// Layout of the sealed plaintext: a version byte, three big-endian 64-bit times (the family's creation and
    /// end, this token's end), then the user id and the adapter name, each after a one-byte length.
    private static let version: UInt8 = 1

    /// The sealed part of the token.
    func seal(key: SymmetricKey) throws -> String {
        var plaintext: [UInt8] = [Self.version]
        for time in [family.createdAt, family.expiresAt, expiresAt] {
            withUnsafeBytes(of: time.bigEndian) { plaintext += $0 }
        }
        for text in [family.userID.rawValue, family.adapter.rawValue] {
            plaintext.append(UInt8(text.utf8.count))
            plaintext += text.utf8
        }
        let box = try AES.GCM.seal(
            plaintext, using: key, authenticating: Self.context(familyID: family.id, appID: family.appID))
        guard let combined = box.combined else { throw TelegateError.internalError() }
        return Base64.urlEncode(Array(combined))
    }

    /// Opens the sealed part of a token of family `familyID` presented to `appID`; `nil` for anything else.
    static func open(_ sealed: Substring, familyID: String, appID: AppID, key: SymmetricKey) -> InitialRefreshToken? {
        guard let combined = Base64.decode(Array(sealed.utf8), alphabet: .url, allowPadding: false, canonical: true),
            let box = try? AES.GCM.SealedBox(combined: combined),
            let plaintext = try? Array(
                AES.GCM.open(box, using: key, authenticating: context(familyID: familyID, appID: appID)))
        else { return nil }
        var reader = plaintext[...]
        guard reader.popFirst() == version, let createdAt = time(&reader), let familyExpiresAt = time(&reader),
            let expiresAt = time(&reader), let user = text(&reader).flatMap(UserID.init(rawValue:)),
            let adapter = text(&reader).flatMap(AdapterName.init(rawValue:)), reader.isEmpty
        else { return nil }
        let family = RefreshFamily(
            id: familyID, appID: appID, userID: user, adapter: adapter, createdAt: createdAt, expiresAt: familyExpiresAt)
        return InitialRefreshToken(family: family, expiresAt: expiresAt)
    }

    private static func context(familyID: String, appID: AppID) -> [UInt8] {
        Array("rt_\(familyID)\u{0}\(appID.rawValue)".utf8)
    }

    private static func time(_ reader: inout ArraySlice<UInt8>) -> Int64? {
        guard reader.count >= 8 else { return nil }
        defer { reader = reader.dropFirst(8) }
        return reader.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    private static func text(_ reader: inout ArraySlice<UInt8>) -> String? {
        guard let count = reader.popFirst().map(Int.init), reader.count >= count else { return nil }
        defer { reader = reader.dropFirst(count) }
        return String(decoding: reader.prefix(count), as: UTF8.self)
    }
}
