import Foundation
import StrictJSON

/// The exchange request body, read strictly: JSON with exactly one proof (`initData`, `widget` or `idToken`), an
/// optional `nonce`, an optional `provider` and an optional `organization`; or no proof in the body and
/// `Authorization: tma <initData>`. The app and bot come from the URL only: a body naming them is refused.
public struct ExchangeBody: Sendable {
    /// The one proof the request carries.
    public let proof: ProofSubmission
    /// The adapter the body names, if any.
    public let provider: String?
    /// The organization the body names, if any.
    public var organization: String?
    /// The body's `nonce`, if any: with an `idToken` proof, the nonce the Telegram login started with; with any
    /// proof, a value for the adapter to bind into what it issues (a relying party's sign-in nonce).
    public var nonce: String?

    /// The longest `nonce` accepted, in characters.
    public static let nonceMaxLength = 255

    /// Members that would let the body choose the app or bot.
    private static let routeMembers: Set<String> = ["app", "appId", "app_id", "bot", "botId", "bot_id", "tenant"]
    private static let known: Set<String> = ["initData", "widget", "idToken", "nonce", "provider", "organization"]

    /// Reads a request's body bytes with its `Content-Type` header and the raw values of its `Authorization` headers
    /// (each exactly as it arrived).
    public static func parse(_ body: [UInt8], contentType: String?, authorization: [[UInt8]]) throws(ExchangeBodyError)
        -> ExchangeBody
    {
        let headerInitData = try tmaInitData(authorization)
        guard !body.isEmpty else {
            guard let headerInitData else {
                throw ExchangeBodyError.invalidRequest("send a JSON body with initData, widget or idToken, or Authorization: tma <initData>")
            }
            return ExchangeBody(proof: .initData(headerInitData), provider: nil, nonce: nil)
        }
        try requireJSON(contentType)
        let members = try parseObject(body)
        if let routeMember = members.first(where: { routeMembers.contains($0.key) }) {
            throw ExchangeBodyError.invalidRequest(
                "\"\(routeMember.key)\" is not accepted in the body: the app and bot come from the URL", reason: "tenant_mismatch")
        }
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw ExchangeBodyError.invalidRequest("unknown member \"\(unknown.key.prefix(40))\"", reason: "unknown_member")
        }
        var values: [String: JSONValue] = [:]
        for member in members { values[member.key] = member.value }
        let provider = try optionalString(values["provider"], name: "provider")
        let nonce = try optionalString(values["nonce"], name: "nonce")
        if let nonce { try checkNonce(nonce) }
        let organization = try optionalString(values["organization"], name: "organization")
        if let organization, organization.utf8.count > 128 {
            throw ExchangeBodyError.invalidRequest("organization is longer than 128 characters")
        }
        var proofs: [ProofSubmission] = []
        if let initData = values["initData"] {
            proofs.append(.initData(try requiredString(initData, name: "initData")))
        }
        if let widget = values["widget"] {
            switch widget {
            case .string(let text): proofs.append(.widget(text))
            case .object: proofs.append(.widget(widget.serialized))
            default: throw ExchangeBodyError.invalidRequest("widget must be the callback's JSON object or a tgAuthResult string")
            }
        }
        if let idToken = values["idToken"] {
            proofs.append(.idToken(try requiredString(idToken, name: "idToken"), nonce: nonce))
        }
        if let headerInitData { proofs.append(.initData(headerInitData)) }
        guard proofs.count == 1, let proof = proofs.first else {
            throw ExchangeBodyError.invalidRequest(
                proofs.isEmpty ? "the body carries no proof: send initData, widget or idToken"
                    : "send exactly one proof (initData, widget, idToken, or the tma Authorization header)")
        }
        return ExchangeBody(proof: proof, provider: provider, organization: organization, nonce: nonce)
    }

    /// A nonce is at most ``nonceMaxLength`` printable ASCII characters (U+0020 to U+007E), as the nonces relying
    /// parties generate are.
    private static func checkNonce(_ nonce: String) throws(ExchangeBodyError) {
        guard nonce.utf8.count <= nonceMaxLength else {
            throw ExchangeBodyError.invalidRequest("nonce is longer than \(nonceMaxLength) characters", reason: "invalid_nonce")
        }
        guard nonce.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw ExchangeBodyError.invalidRequest("nonce must be printable ASCII", reason: "invalid_nonce")
        }
    }

    /// The initData of an `Authorization: tma <initData>` header (the tma.js convention), if present, read from
    /// the header's bytes. initData travels percent-encoded, so it is ASCII: any other byte is refused as
    /// `malformed`, never decoded. (An HTTP/1 parser may already have put U+FFFD in place of bytes that are not
    /// UTF-8; refusing everything outside ASCII refuses those too, whatever they were.)
    private static func tmaInitData(_ fields: [[UInt8]]) throws(ExchangeBodyError) -> String? {
        guard let value = fields.first else { return nil }
        guard fields.count == 1 else { throw ExchangeBodyError.invalidRequest("send one Authorization header") }
        guard let space = value.firstIndex(of: UInt8(ascii: " ")), space + 1 < value.count,
            String(decoding: value[..<space], as: UTF8.self).lowercased() == "tma"
        else {
            throw ExchangeBodyError.invalidRequest("the Authorization header must be \"tma <initData>\"")
        }
        let initData = value[(space + 1)...]
        guard initData.allSatisfy({ $0 < 0x80 }) else {
            throw ExchangeBodyError(
                .malformed, "the tma Authorization header holds bytes outside ASCII; send initData exactly as Telegram gave it")
        }
        return String(decoding: initData, as: UTF8.self)
    }

    /// Request bodies must be declared JSON (`text/plain` cross-site requests are refused).
    public static func requireJSON(_ contentType: String?) throws(ExchangeBodyError) {
        let essence = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard essence == "application/json" else {
            throw ExchangeBodyError(.unsupportedMediaType, "the request body must be application/json")
        }
    }

    /// The members of a JSON object body, read strictly.
    public static func parseObject(_ bytes: [UInt8]) throws(ExchangeBodyError) -> [(key: String, value: JSONValue)] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw ExchangeBodyError.invalidRequest("the body is not valid JSON: \(error.message)", reason: "malformed_json")
        }
        guard let members = value.objectMembers else { throw ExchangeBodyError.invalidRequest("the body must be a JSON object") }
        return members
    }

    private static func requiredString(_ value: JSONValue, name: String) throws(ExchangeBodyError) -> String {
        guard let text = value.stringValue, !text.isEmpty else { throw ExchangeBodyError.invalidRequest("\(name) must be a non-empty string") }
        return text
    }

    private static func optionalString(_ value: JSONValue?, name: String) throws(ExchangeBodyError) -> String? {
        guard let value else { return nil }
        return try requiredString(value, name: name)
    }
}
