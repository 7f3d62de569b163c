import StrictJSON
import TelegateCore

/// One input of a console form, and the member of the admin API's request body it fills. Form names are
/// snake_case (the strict form parser accepts `a-z0-9_` only); the admin API names the same value in camelCase.
struct ConsoleField: Sendable {
    /// How the input is entered and what JSON it becomes.
    enum Kind: Sendable, Equatable {
        /// A line of text: a JSON string.
        case text
        /// A secret typed in once (never filled back in): a JSON string.
        case secret
        /// A whole number: a JSON integer.
        case number
        /// Values separated by commas or spaces (the strict form parser refuses line breaks): a JSON array of
        /// strings.
        case list
        /// A checkbox: `true` when ticked.
        case checkbox
        /// An absolute http(s) URL: a JSON string.
        case url
        /// One of the given values, picked from a list: a JSON string.
        case choice([String])
        /// A JSON object written on one line.
        case json
    }

    /// The form field's name.
    let name: String
    /// The admin API's member; `nil` for a field the console reads itself (a typed confirmation).
    let member: String?
    let label: String
    let kind: Kind
    let hint: String
    let required: Bool
    /// What an empty input stands for (a default), shown greyed inside it.
    let placeholder: String
    /// The range a number must lie in.
    let range: ClosedRange<Int64>?

    init(
        _ name: String, member: String?, _ label: String, _ kind: Kind = .text, hint: String = "", required: Bool = false,
        placeholder: String = "", range: ClosedRange<Int64>? = nil
    ) {
        self.name = name
        self.member = member
        self.label = label
        self.kind = kind
        self.hint = hint
        self.required = required
        self.placeholder = placeholder
        self.range = range
    }

    /// The member's value from a submitted form: `nil` when left empty (the admin API keeps or defaults it), but an
    /// empty list for an emptied list (which clears it) and `false` for an unticked checkbox.
    func value(in form: [String: String]) throws -> JSONValue? {
        let text = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        switch kind {
        case .text, .secret, .url, .choice: return text.isEmpty ? nil : .string(text)
        case .number:
            guard !text.isEmpty else { return nil }
            guard let number = Int64(text) else {
                throw TelegateError(.invalidField, "\(member ?? name) must be a whole number", reason: "wrong_type")
            }
            return .integer(number)
        case .list:
            return .array(text.split { $0 == "," || $0.isWhitespace }.map { .string(String($0)) })
        case .checkbox: return .bool(form[name] != nil)
        case .json:
            guard !text.isEmpty else { return nil }
            guard let value = try? JSONValue.parse(text), value.objectMembers != nil else {
                throw TelegateError(.invalidField, "\(member ?? name) must be a JSON object, such as {}", reason: "wrong_type")
            }
            return value
        }
    }

    /// The admin API body of `fields` from a submitted form.
    static func body(_ fields: [ConsoleField], form: [String: String]) throws -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for field in fields {
            guard let member = field.member, let value = try field.value(in: form) else { continue }
            members.append((member, value))
        }
        return .object(members)
    }

    /// The text an input shows for a member's current value.
    static func text(of value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .array(let items)?: items.compactMap(\.stringValue).joined(separator: ", ")
        case let value? where value.integerValue != nil: String(value.integerValue ?? 0)
        default: ""
        }
    }
}
