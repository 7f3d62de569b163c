import ArgumentParser
import StrictJSON
import TelegramAuth

/// The single JSON object `telegate verify` prints.
enum VerificationReport {
    /// Reads the proof `argument` names (the text, or `-` for standard input), verifies it and prints the report. A
    /// refused proof prints the report with the hints `explain` finds for it, and exits with status 1.
    static func verify(
        _ argument: String, with verify: (String) throws(TelegramAuthError) -> TelegramIdentity,
        explain: (String, TelegramAuthError) -> [Hint]
    ) throws {
        let text: String
        do {
            text = try ProofInput.read(argument)
        } catch {
            try refuse(error)
        }
        do {
            print(valid(try verify(text)).serialized)
        } catch {
            try refuse(error, hints: explain(text, error))
        }
    }

    /// The report for a verified identity.
    private static func valid(_ identity: TelegramIdentity) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("valid", .bool(true)), ("proof", .string(identity.proof.rawValue)),
            ("mode", .string(identity.mode.rawValue)), ("user", user(identity.user)),
            ("authDate", .integer(identity.authDate)),
        ]
        let optional: [(String, String?)] = [
            ("startParam", identity.startParam), ("queryId", identity.queryID), ("chatType", identity.chatType),
            ("chatInstance", identity.chatInstance),
        ]
        for case (let key, let value?) in optional { members.append((key, .string(value))) }
        return .object(members)
    }

    /// Prints the report for a refused proof and exits with status 1.
    static func refuse(_ error: TelegramAuthError, hints: [Hint] = []) throws -> Never {
        print(invalid(error, hints: hints).serialized)
        throw ExitCode(1)
    }

    /// The report for a refused proof.
    private static func invalid(_ error: TelegramAuthError, hints: [Hint]) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("valid", .bool(false)), ("code", .string(error.code.rawValue))]
        if let reason = error.reason { members.append(("reason", .string(reason))) }
        members.append(("message", .string(error.message)))
        members.append(
            ("hints", .array(hints.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) })))
        return .object(members)
    }

    private static func user(_ user: TelegramUser) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .integer(user.id)), ("firstName", .string(user.firstName))]
        if let lastName = user.lastName { members.append(("lastName", .string(lastName))) }
        if let username = user.username { members.append(("username", .string(username))) }
        if let languageCode = user.languageCode { members.append(("languageCode", .string(languageCode))) }
        members.append(("isPremium", .bool(user.isPremium)))
        if let photoURL = user.photoURL { members.append(("photoUrl", .string(photoURL))) }
        let flags = [
            ("allowsWriteToPm", user.allowsWriteToPM), ("addedToAttachmentMenu", user.addedToAttachmentMenu),
            ("isBot", user.isBot),
        ]
        for (key, flag) in flags where flag { members.append((key, .bool(true))) }
        return .object(members)
    }
}
