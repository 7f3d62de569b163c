import StrictJSON

/// The two spellings of a spec. The configuration file (and its export) nests and names members for people
/// (`initData.maxAge`, `oidc.algorithms`, a bot `token` as a secret reference); the admin API spells the same values
/// as flat members (`initDataMaxAge`, `oidcAlgorithms`, `tokenReference`). Both read into the same spec, which
/// validates itself once.
public enum SpecFormat: Sendable {
    case file
    case admin

    /// The `userInfo` key a spec's `Codable` implementation reads its format from (the admin spelling by default).
    public static let userInfoKey = CodingUserInfoKey(rawValue: "telegate.specFormat")!

    /// A strict decoder for this spelling. The file's YAML reads `label: 2024` as a number; it is taken as text.
    public var decoder: JSONValueDecoder {
        var decoder = JSONValueDecoder()
        decoder.userInfo[Self.userInfoKey] = self
        decoder.acceptsNumbersAsStrings = self == .file
        return decoder
    }

    /// An ordered encoder for this spelling.
    public var encoder: JSONValueEncoder {
        var encoder = JSONValueEncoder()
        encoder.userInfo[Self.userInfoKey] = self
        return encoder
    }

    /// The format a spec is being read or written in.
    static func of(_ userInfo: [CodingUserInfoKey: Any]) -> SpecFormat { userInfo[userInfoKey] as? SpecFormat ?? .admin }

    /// Decodes a spec; a value the spec refuses is a `422 invalid_field` naming the member.
    public func decode<Spec: Decodable>(_ type: Spec.Type, from value: JSONValue) throws -> Spec {
        do {
            return try decoder.decode(type, from: value)
        } catch let error as JSONDecodingError {
            throw TelegateError(
                .invalidField, error.description, reason: error.problem == .missing ? "missing_field" : "invalid_value")
        }
    }

    /// Encodes a spec; specs only write values they hold, so this cannot fail.
    public func encode(_ spec: some Encodable) -> JSONValue {
        (try? encoder.encode(spec)) ?? .null
    }
}

extension TelegateError {
    /// The same refusal about a part of a larger spec: `bots[1]: …`.
    func within(_ part: String) -> TelegateError {
        TelegateError(code, "\(part): \(message)", reason: reason)
    }

    /// `422 invalid_field` for a value a spec refuses.
    static func invalidSpec(_ message: String) -> TelegateError {
        TelegateError(.invalidField, message, reason: "invalid_value")
    }
}
