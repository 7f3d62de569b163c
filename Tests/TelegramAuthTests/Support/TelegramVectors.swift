import Foundation
import Testing

/// The public Telegram proof vectors in `Fixtures/telegram-vectors.json`.
struct TelegramVector: Sendable, CustomTestStringConvertible {
    let kind: String
    let id: String
    /// The input as text: query string, tgAuthResult, or a JSON object serialised back for `fields` vectors.
    let input: String
    let inputFormat: String?
    let botToken: String?
    let botID: Int64?
    let testEnvironment: Bool
    let publicKeyHex: String?
    let expectValid: Bool?
    let expectedDataCheckString: String?
    let expectedSecretKeyHex: String?
    let expectedSignedMessage: String?
    let expectedUserID: Int64?
    let expectedFirstName: String?
    let realTelegramSigned: Bool

    var testDescription: String { id }

    static let all: [TelegramVector] = {
        guard let url = Bundle.module.url(forResource: "telegram-vectors", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let vectors = root["vectors"] as? [[String: Any]]
        else { fatalError("Fixtures/telegram-vectors.json is missing or unreadable") }
        return vectors.map(TelegramVector.init)
    }()

    static func of(kind: String) -> [TelegramVector] { all.filter { $0.kind == kind } }
    static func named(_ id: String) -> TelegramVector { all.first { $0.id == id }! }

    init(_ json: [String: Any]) {
        realTelegramSigned = json["real_telegram_signed"] as? Bool ?? false
        kind = json["kind"] as! String
        id = json["id"] as! String
        inputFormat = json["input_format"] as? String
        if let text = json["input"] as? String {
            input = text
        } else {
            let data = try! JSONSerialization.data(withJSONObject: json["input"]!, options: [.withoutEscapingSlashes])
            input = String(decoding: data, as: UTF8.self)
        }
        botToken = json["bot_token"] as? String
        botID = (json["bot_id"] as? NSNumber)?.int64Value
        testEnvironment = json["test_env"] as? Bool ?? false
        publicKeyHex = json["public_key_hex"] as? String
        expectValid = json["expect_valid"] as? Bool
        let expect = json["expect"] as? [String: Any] ?? [:]
        expectedDataCheckString = expect["data_check_string"] as? String
        expectedSecretKeyHex = expect["secret_key_hex"] as? String
        expectedSignedMessage = expect["signed_message"] as? String
        let user = expect["user"] as? [String: Any]
        expectedUserID = (user?["id"] as? NSNumber)?.int64Value ?? (expect["id"] as? NSNumber)?.int64Value
        expectedFirstName = user?["first_name"] as? String ?? expect["first_name"] as? String
    }
}
