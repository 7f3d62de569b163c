import HTTPTypes
import Hummingbird
import StrictJSON
import TelegateCore
import TelegramAuth

/// The exchange request body, read strictly: JSON with exactly one proof (`initData`, `widget`, or `idToken`
/// with an optional `nonce`), an optional `provider` and an optional `organization`; or no proof in the body and
/// `Authorization: tma <initData>`. The app and bot come from the URL only: a body naming them is refused.
struct ExchangeBody {
    let proof: ProofSubmission
    let provider: String?
    var organization: String?

    /// Members that would let the body choose the app or bot.
    private static let routeMembers: Set<String> = ["app", "appId", "app_id", "bot", "botId", "bot_id", "tenant"]
    private static let known: Set<String> = ["initData", "widget", "idToken", "nonce", "provider", "organization"]

    static func read(_ request: Request, context: TelegateRequestContext) async throws -> ExchangeBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let headerInitData = try tmaInitData(request.headers[fields: .authorization])
        guard buffer.readableBytes > 0 else {
            guard let headerInitData else {
                throw TelegateError.invalidRequest("send a JSON body with initData, widget or idToken, or Authorization: tma <initData>")
            }
            return ExchangeBody(proof: .initData(headerInitData), provider: nil)
        }
        try requireJSON(request.headers[.contentType])
        let members = try parseObject(Array(buffer.readableBytesView))
        if let routeMember = members.first(where: { routeMembers.contains($0.key) }) {
            throw TelegateError.invalidRequest(
                "\"\(routeMember.key)\" is not accepted in the body: the app and bot come from the URL", reason: "tenant_mismatch")
        }
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw TelegateError.invalidRequest("unknown member \"\(unknown.key.prefix(40))\"", reason: "unknown_member")
        }
        var values: [String: JSONValue] = [:]
        for member in members { values[member.key] = member.value }
        let provider = try optionalString(values["provider"], name: "provider")
        let nonce = try optionalString(values["nonce"], name: "nonce")
        let organization = try optionalString(values["organization"], name: "organization")
        if let organization, organization.utf8.count > 128 {
            throw TelegateError.invalidRequest("organization is longer than 128 characters")
        }
        var proofs: [ProofSubmission] = []
        if let initData = values["initData"] {
            proofs.append(.initData(try requiredString(initData, name: "initData")))
        }
        if let widget = values["widget"] {
            switch widget {
            case .string(let text): proofs.append(.widget(text))
            case .object: proofs.append(.widget(widget.serialized))
            default: throw TelegateError.invalidRequest("widget must be the callback's JSON object or a tgAuthResult string")
            }
        }
        if let idToken = values["idToken"] {
            proofs.append(.idToken(try requiredString(idToken, name: "idToken"), nonce: nonce))
        } else if nonce != nil {
            throw TelegateError.invalidRequest("nonce goes with idToken")
        }
        if let headerInitData { proofs.append(.initData(headerInitData)) }
        guard proofs.count == 1, let proof = proofs.first else {
            throw TelegateError.invalidRequest(
                proofs.isEmpty ? "the body carries no proof: send initData, widget or idToken"
                    : "send exactly one proof (initData, widget, idToken, or the tma Authorization header)")
        }
        return ExchangeBody(proof: proof, provider: provider, organization: organization)
    }

    /// The initData of an `Authorization: tma <initData>` header (the tma.js convention), if present, read from
    /// the header's bytes. initData travels percent-encoded, so it is ASCII: any other byte is refused as
    /// `malformed`, never decoded. (The HTTP/1 parser has already put U+FFFD in place of bytes that are not UTF-8;
    /// refusing everything outside ASCII refuses those too, whatever they were.)
    private static func tmaInitData(_ fields: [HTTPField]) throws -> String? {
        guard let field = fields.first else { return nil }
        guard fields.count == 1 else { throw TelegateError.invalidRequest("send one Authorization header") }
        let initData: [UInt8]? = field.withUnsafeBytesOfValue { value in
            guard let space = value.firstIndex(of: UInt8(ascii: " ")), space + 1 < value.count,
                String(decoding: value[..<space], as: UTF8.self).lowercased() == "tma"
            else { return nil }
            return Array(value[(space + 1)...])
        }
        guard let initData else {
            throw TelegateError.invalidRequest("the Authorization header must be \"tma <initData>\"")
        }
        guard initData.allSatisfy({ $0 < 0x80 }) else {
            throw TelegateError(
                TelegramAuthError(
                    .malformed, "the tma Authorization header holds bytes outside ASCII; send initData exactly as Telegram gave it"))
        }
        return String(decoding: initData, as: UTF8.self)
    }

    /// Request bodies must be declared JSON (`text/plain` cross-site requests are refused).
    static func requireJSON(_ contentType: String?) throws {
        let essence = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard essence == "application/json" else {
            throw TelegateError(.unsupportedMediaType, status: 415, "the request body must be application/json")
        }
    }

    static func parseObject(_ bytes: [UInt8]) throws -> [(key: String, value: JSONValue)] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw TelegateError.invalidRequest("the body is not valid JSON: \(error.message)", reason: "malformed_json")
        }
        guard let members = value.objectMembers else { throw TelegateError.invalidRequest("the body must be a JSON object") }
        return members
    }

    private static func requiredString(_ value: JSONValue, name: String) throws -> String {
        guard let text = value.stringValue, !text.isEmpty else { throw TelegateError.invalidRequest("\(name) must be a non-empty string") }
        return text
    }

    private static func optionalString(_ value: JSONValue?, name: String) throws -> String? {
        guard let value else { return nil }
        return try requiredString(value, name: name)
    }
}
