import Foundation
import Testing

@testable import TelegramAuth

/// `telegate verify` and `telegate initdata sign`, run as a real process, against every public vector.
@Suite("telegate verify")
struct VerifyCommandTests {
    static var vectors: [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TelegramAuthTests/Fixtures/telegram-vectors.json")
        let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return root["vectors"] as! [[String: Any]]
    }

    static func input(_ vector: [String: Any]) -> String {
        if let text = vector["input"] as? String { return text }
        let data = try! JSONSerialization.data(withJSONObject: vector["input"]!, options: [.withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func userID(_ vector: [String: Any]) -> Int64? {
        let expect = vector["expect"] as? [String: Any]
        return ((expect?["user"] as? [String: Any])?["id"] as? NSNumber)?.int64Value ?? (expect?["id"] as? NSNumber)?.int64Value
    }

    @Test("Every HMAC vector: valid ones exit 0 with the user id, invalid ones exit 1 with a code")
    func hmacVectors() async throws {
        for vector in Self.vectors where vector["kind"] as? String == "initdata-hmac" {
            let result = try await CLIProcess.run(["verify", "initdata", "--max-age", "0", Self.input(vector)],
                environment: ["TELEGRAM_BOT_TOKEN": vector["bot_token"] as! String])
            try expectOutcome(result, vector)
        }
    }

    @Test("Every Telegram-signed vector also verifies with --bot-id and no token")
    func telegramSignedVectors() async throws {
        let signed = Self.vectors.filter { $0["real_telegram_signed"] as? Bool == true || $0["kind"] as? String == "initdata-ed25519" }
        for vector in signed {
            var arguments = ["verify", "initdata", "--max-age", "0", "--bot-id", String((vector["bot_id"] as! NSNumber).int64Value)]
            if let key = vector["public_key_hex"] as? String { arguments += ["--telegram-public-key", key] }
            if vector["test_env"] as? Bool == true { arguments.append("--test-environment") }
            let result = try await CLIProcess.run(arguments + [Self.input(vector)])
            if vector["kind"] as? String == "initdata-hmac" {
                #expect(result.status == 0, "\(vector["id"]!)")
            } else {
                try expectOutcome(result, vector)
            }
        }
    }

    @Test("Every widget vector through verify widget")
    func widgetVectors() async throws {
        for vector in Self.vectors where vector["kind"] as? String == "widget" {
            let result = try await CLIProcess.run(["verify", "widget", "--max-age", "0", Self.input(vector)],
                environment: ["TELEGRAM_BOT_TOKEN": vector["bot_token"] as! String])
            try expectOutcome(result, vector)
        }
    }

    private func expectOutcome(_ result: CLIProcess.Result, _ vector: [String: Any]) throws {
        let id = vector["id"] as! String
        if vector["expect_valid"] as? Bool == true {
            #expect(result.status == 0, "\(id): \(result.stdout)")
            #expect(result.json["valid"] as? Bool == true, "\(id)")
            if let userID = Self.userID(vector) {
                #expect((result.json["user"] as? [String: Any])?["id"] as? NSNumber == NSNumber(value: userID), "\(id)")
            }
        } else {
            #expect(result.status == 1, "\(id): \(result.stdout) \(result.stderr)")
            #expect(result.json["valid"] as? Bool == false, "\(id)")
            #expect((result.json["code"] as? String)?.isEmpty == false, "\(id)")
        }
        #expect(result.stdout.split(separator: "\n").count == 1, "\(id): one JSON object")
    }

    @Test("initdata sign output verifies under the same token, fails with signature_invalid under another")
    func signThenVerify() async throws {
        let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
        let signed = try await CLIProcess.run(["initdata", "sign", "--user-id", "42", "--first-name", "Ann & Bob + /", "--username", "ann", "--start-param", "ref_1", "--query-id", "Q1"],
            environment: ["TELEGRAM_BOT_TOKEN": token])
        #expect(signed.status == 0)
        let initData = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!initData.contains("\n"))
        let same = try await CLIProcess.run(["verify", "initdata", "-"], environment: ["TELEGRAM_BOT_TOKEN": token], stdin: initData + "\n")
        #expect(same.status == 0)
        let user = same.json["user"] as? [String: Any]
        #expect(user?["id"] as? Int == 42)
        #expect(user?["firstName"] as? String == "Ann & Bob + /")
        #expect(same.json["startParam"] as? String == "ref_1")
        let other = try await CLIProcess.run(["verify", "initdata", initData], environment: ["TELEGRAM_BOT_TOKEN": "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfR"])
        #expect(other.status == 1)
        #expect(other.json["code"] as? String == "signature_invalid")
    }

    @Test("--explain on widget-signed data passed as initData names the mix-up")
    func explainMixUp() async throws {
        let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
        let widget = try WidgetSigner(botToken: token).queryString(user: TelegramUser(id: 42, firstName: "Ann"), authDate: Int64(Date().timeIntervalSince1970))
        let result = try await CLIProcess.run(["verify", "initdata", "--explain", widget], environment: ["TELEGRAM_BOT_TOKEN": token])
        #expect(result.status == 1)
        #expect(result.json["code"] as? String == "signature_invalid")
        let hints = result.json["hints"] as? [[String: Any]] ?? []
        #expect(hints.contains { $0["code"] as? String == "widget_key_used" })
    }

    @Test("Noncanonical keys and control characters are refused by verify with the same code and reason, and --explain names it")
    func noncanonical() async throws {
        let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
        let initData = try InitDataSigner(botToken: BotToken(token)).sign(user: TelegramUser(id: 42, firstName: "Ann"), authDate: 1_790_000_000)
        for suffix in ["&X-Admin=1", "&K%0D=1", "&%D0%BA%D0%BB%D1%8E%D1%87=1", "&" + String(repeating: "a", count: 200) + "=1", "&x=a%0Db"] {
            let result = try await CLIProcess.run(["verify", "initdata", "--max-age", "0", "--explain", initData + suffix], environment: ["TELEGRAM_BOT_TOKEN": token])
            #expect(result.status == 1, "\(suffix.prefix(20))")
            #expect(result.json["code"] as? String == "malformed")
            #expect(result.json["reason"] as? String == "noncanonical")
            #expect((result.json["hints"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "noncanonical" })
        }
        let widget = #"{"id":5,"first_name":"Ann\r","auth_date":1790000000,"hash":"00"}"#
        let refused = try await CLIProcess.run(["verify", "widget", "--max-age", "0", widget], environment: ["TELEGRAM_BOT_TOKEN": token])
        #expect(refused.status == 1)
        #expect(refused.json["reason"] as? String == "noncanonical")
    }

    @Test(
        "Exact bytes: raw 0xFF or C0 80 on standard input or in the argument is malformed, never decoded to U+FFFD",
        arguments: [[0xFF], [0xC0, 0x80]] as [[UInt8]])
    func invalidUTF8(_ bad: [UInt8]) async throws {
        let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
        let replacement = String(repeating: "\u{FFFD}", count: bad.count)
        let initData = try InitDataSigner(botToken: BotToken(token)).sign(
            [("query_id", "AA" + replacement), ("user", TelegramUser(id: 42, firstName: "Ann").webAppJSON), ("auth_date", "1790000000")])
        let environment = ["TELEGRAM_BOT_TOKEN": token]
        let genuine = try await CLIProcess.run(["verify", "initdata", "--max-age", "0", "-"], environment: environment, stdin: initData)
        #expect(genuine.status == 0, "the proof MAC'd over U+FFFD is genuine when sent as Telegram encodes it")
        let raw = Array(initData.replacing(TelegramEncoding.percentEncode(replacement), with: "\u{0}").utf8).flatMap { $0 == 0 ? bad : [$0] }

        let fromStdin = try await CLIProcess.run(["verify", "initdata", "--max-age", "0", "-"], environment: environment, stdinBytes: raw + [0x0A])
        #expect(fromStdin.status == 1, "\(fromStdin.stdout)")
        #expect(fromStdin.json["code"] as? String == "malformed")

        // An argument with raw bytes, passed by a shell as it is.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-raw-\(UUID().uuidString)")
        try Data(raw).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = #""$0" verify initdata --max-age 0 "$(cat "$1")""#
        let fromArgument = try await CLIProcess.shell(script, arguments: [CLIProcess.executable.path, file.path], environment: environment)
        #expect(fromArgument.status == 1, "\(fromArgument.stdout)")
        #expect(fromArgument.json["code"] as? String == "malformed")
    }

    @Test("Usage and configuration errors exit 2", arguments: [
        (["verify", "initdata", "x=1"], [String: String]()),
        (["verify", "initdata", "x=1"], ["TELEGRAM_BOT_TOKEN": "not-a-token"]),
        (["verify", "initdata", "--bot-id", "42", "--telegram-public-key", "zz", "x=1"], [:]),
        (["verify", "initdata", "--test-environment", "x=1"], ["TELEGRAM_BOT_TOKEN": "1:AA"]),
        (["verify", "initdata", "--max-age", "-5", "x=1"], ["TELEGRAM_BOT_TOKEN": "1:AA"]),
        (["verify", "widget", "x=1"], [:]),
        (["initdata", "sign", "--user-id", "0"], ["TELEGRAM_BOT_TOKEN": "1:AA"]),
        (["verify", "bogus"], [:]),
    ])
    func usageErrors(_ arguments: [String], _ environment: [String: String]) async throws {
        let result = try await CLIProcess.run(arguments, environment: environment)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
    }

    @Test("K12: the bot token file is read and the token never appears in output")
    func tokenFile() async throws {
        let token = "7000000001:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("telegate-token-\(UUID().uuidString)")
        try (token + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let signed = try await CLIProcess.run(["initdata", "sign", "--user-id", "7", "--bot-token-file", file.path])
        let verified = try await CLIProcess.run(["verify", "initdata", "--explain", "--bot-token-file", file.path, signed.stdout + "x"])
        #expect(verified.status == 1)
        for output in [signed.stdout, signed.stderr, verified.stdout, verified.stderr] {
            #expect(!output.contains("AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ"))
        }
    }
}
