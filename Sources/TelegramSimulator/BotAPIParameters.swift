import SimulatorKit
import StrictJSON

/// The parameters of a Bot API call, read the way Telegram reads them: from the query string and from a body that
/// is either a form (`application/x-www-form-urlencoded`) or a JSON object (`application/json`), all as strings.
/// A JSON member that is an object or array (`reply_markup`) is kept as its JSON text, as if it had been sent in a
/// form; a body parameter replaces a query parameter of the same name.
struct BotAPIParameters: Sendable {
    private var values: [String: String]

    /// The parameters of a request; `nil` when its body cannot be read (a form with a bad escape, a JSON body that
    /// is not one object).
    init?(query: String?, contentType: String?, body: [UInt8]) {
        guard let fromQuery = SimulatorFormInput.pairs(query ?? "") else { return nil }
        var values: [String: String] = [:]
        for pair in fromQuery { values[pair.name] = pair.value }
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("application/json") {
            if !body.isEmpty {
                guard let members = (try? JSONValue.parse(body))?.objectMembers else { return nil }
                for member in members { values[member.key] = Self.text(member.value) }
            }
        } else if type.hasPrefix("application/x-www-form-urlencoded") {
            guard let pairs = SimulatorFormInput.pairs(String(decoding: body, as: UTF8.self)) else { return nil }
            for pair in pairs { values[pair.name] = pair.value }
        }
        self.values = values
    }

    /// The parameter `name`, as sent; `nil` when absent.
    subscript(name: String) -> String? { values[name] }

    /// The parameter `name` as Telegram reads a flag: `true` or `1`.
    func flag(_ name: String) -> Bool {
        guard let value = values[name]?.lowercased() else { return false }
        return value == "true" || value == "1"
    }

    /// A JSON member's value as a form would carry it.
    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let literal): literal
        case .bool(let flag): flag ? "true" : "false"
        case .null: nil
        case .object, .array: value.serialized
        }
    }
}
