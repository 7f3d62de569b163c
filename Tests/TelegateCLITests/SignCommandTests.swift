import Foundation
import Testing

/// `telegate initdata sign` and `telegate widget sign`: test data without hand-written HMAC, each output checked by
/// `telegate verify`.
@Suite("telegate initdata sign and widget sign")
struct SignCommandTests {
    static let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"

    @Test("initdata sign sets every WebAppUser field and the launch fields, and verify reads them all back")
    func initDataEveryField() async throws {
        let signed = try await CLIProcess.run(
            [
                "initdata", "sign", "--user-id", "279058397", "--first-name", "Ada", "--last-name", "Lovelace",
                "--username", "ada", "--language-code", "en", "--is-premium", "--added-to-attachment-menu",
                "--photo-url", "https://t.me/i/userpic/320/ada.svg", "--is-bot", "--query-id", "AAHdF6IQ",
                "--chat-instance", "-8599080687359297588", "--chat-type", "sender", "--start-param", "ref_1",
                "--auth-date", "1733584787",
            ], environment: ["TELEGRAM_BOT_TOKEN": Self.token])
        #expect(signed.status == 0, "\(signed.stderr)")
        let verified = try await CLIProcess.run(
            ["verify", "initdata", "--max-age", "0", "-"], environment: ["TELEGRAM_BOT_TOKEN": Self.token], stdin: signed.stdout)
        #expect(verified.status == 0, "\(verified.stdout)")
        let user = verified.json["user"] as? [String: Any] ?? [:]
        #expect(user["id"] as? Int == 279_058_397)
        #expect(user["firstName"] as? String == "Ada")
        #expect(user["lastName"] as? String == "Lovelace")
        #expect(user["username"] as? String == "ada")
        #expect(user["languageCode"] as? String == "en")
        #expect(user["isPremium"] as? Bool == true)
        #expect(user["photoUrl"] as? String == "https://t.me/i/userpic/320/ada.svg")
        #expect(user["allowsWriteToPm"] as? Bool == true)
        #expect(user["addedToAttachmentMenu"] as? Bool == true)
        #expect(user["isBot"] as? Bool == true)
        #expect(verified.json["authDate"] as? Int == 1_733_584_787)
        #expect(verified.json["queryId"] as? String == "AAHdF6IQ")
        #expect(verified.json["chatInstance"] as? String == "-8599080687359297588")
        #expect(verified.json["chatType"] as? String == "sender")
        #expect(verified.json["startParam"] as? String == "ref_1")
    }

    @Test("initdata sign --no-allows-write-to-pm leaves the flag out, as Telegram does for false")
    func initDataWithoutWriteAccess() async throws {
        let signed = try await CLIProcess.run(
            ["initdata", "sign", "--user-id", "42", "--no-allows-write-to-pm"], environment: ["TELEGRAM_BOT_TOKEN": Self.token])
        #expect(signed.status == 0)
        #expect(!signed.stdout.contains("allows_write_to_pm"))
        let verified = try await CLIProcess.run(
            ["verify", "initdata", signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)],
            environment: ["TELEGRAM_BOT_TOKEN": Self.token])
        #expect(verified.status == 0)
        #expect((verified.json["user"] as? [String: Any])?["allowsWriteToPm"] == nil)
    }

    @Test("widget sign makes the query string, the callback's JSON object and tgAuthResult; each verifies", arguments: ["query", "json", "tgAuthResult"])
    func widget(format: String) async throws {
        let signed = try await CLIProcess.run(
            [
                "widget", "sign", "--format", format, "--user-id", "279058397", "--first-name", "Ada Ü & /",
                "--last-name", "Lovelace", "--username", "ada", "--photo-url", "https://t.me/i/userpic/320/ada.jpg",
            ], environment: ["TELEGRAM_BOT_TOKEN": Self.token])
        #expect(signed.status == 0, "\(signed.stderr)")
        let data = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        switch format {
        case "json": #expect(data.hasPrefix("{\"id\":279058397,"))
        case "query": #expect(data.hasPrefix("id=279058397&"))
        default: #expect(!data.contains("=") && !data.contains("{"))
        }
        let verified = try await CLIProcess.run(["verify", "widget", data], environment: ["TELEGRAM_BOT_TOKEN": Self.token])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.json["proof"] as? String == "widget")
        let user = verified.json["user"] as? [String: Any] ?? [:]
        #expect(user["id"] as? Int == 279_058_397)
        #expect(user["firstName"] as? String == "Ada Ü & /")
        #expect(user["lastName"] as? String == "Lovelace")
        #expect(user["username"] as? String == "ada")
        #expect(user["photoUrl"] as? String == "https://t.me/i/userpic/320/ada.jpg")

        let other = try await CLIProcess.run(
            ["verify", "widget", data], environment: ["TELEGRAM_BOT_TOKEN": "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfR"])
        #expect(other.status == 1)
        #expect(other.json["code"] as? String == "signature_invalid")
    }

    @Test("widget sign needs a well-formed token and a user id in range")
    func widgetUsage() async throws {
        #expect(try await CLIProcess.run(["widget", "sign", "--user-id", "42"]).status == 2)
        #expect(try await CLIProcess.run(["widget", "sign", "--user-id", "0"], environment: ["TELEGRAM_BOT_TOKEN": Self.token]).status == 2)
        #expect(try await CLIProcess.run(["widget", "sign", "--user-id", "42"], environment: ["TELEGRAM_BOT_TOKEN": "not-a-token"]).status == 2)
    }
}
