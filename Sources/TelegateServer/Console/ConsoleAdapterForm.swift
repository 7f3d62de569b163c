import StrictJSON
import TelegateCore

/// The form of one adapter kind, generated from its configuration schema as `GET /adapter-kinds` answers it: one
/// input per config field, typed by the field's value type, with its description as the hint, its default as the
/// placeholder (or the preselected choice), and required fields marked. Secret fields are write-only: they take a
/// reference (`env:NAME`, `file:PATH`) and are never filled in.
struct ConsoleAdapterForm: Sendable {
    /// The adapter kind, such as `clerk`.
    let kind: String
    /// The config inputs; each one's member is its schema field's name.
    let configFields: [ConsoleField]
    /// Each config field's default as the form shows it (checkboxes ticked, choices preselected).
    private let defaults: [String: String]

    static let nameField = ConsoleField(
        "name", member: "name", "Adapter name", hint: "A lowercase slug the app names it by, such as clerk.", required: true)
    static let defaultField = ConsoleField(
        "default", member: "default", "Default adapter", .checkbox, hint: "Exchanges that name no adapter use this one.")

    /// The form of `kind` (one item of `GET /adapter-kinds`); `editing` for an adapter that exists, whose secrets
    /// are kept when left empty.
    init(kind: JSONValue, editing: Bool) {
        self.kind = kind["kind"]?.stringValue ?? ""
        var fields: [ConsoleField] = []
        var defaults: [String: String] = [:]
        for field in kind["config"]?.arrayElements ?? [] {
            let name = field["name"]?.stringValue ?? ""
            let type = field["type"]?.stringValue ?? "string"
            let shownDefault = field["default"].map(Self.text(of:)) ?? ""
            var hint = field["description"]?.stringValue ?? ""
            var control: ConsoleField.Kind
            switch type {
            case "secret":
                control = .secret
                hint += " A reference such as env:NAME or file:/run/secrets/NAME"
                    + (editing ? "; leave empty to keep the current one." : ".")
            case "url": control = .url
            case "integer": control = .number
            case "boolean": control = .checkbox
            case "stringList": control = .list
            case "object": control = .json
            default: control = .text
            }
            if let allowed = field["allowedValues"]?.arrayElements?.compactMap(\.stringValue) { control = .choice(allowed) }
            let range = field["minimum"]?.integerValue.flatMap { low in field["maximum"]?.integerValue.map { low...$0 } }
            let preset = control == .checkbox || { if case .choice = control { true } else { false } }()
            if let value = field["default"], value != .null, control != .secret {
                hint += " Default: \(value.boolValue.map { $0 ? "ticked" : "not ticked" } ?? shownDefault)."
                if preset { defaults[name] = shownDefault }
            }
            fields.append(
                ConsoleField(
                    Self.formName(name), member: name, name, control, hint: hint,
                    required: field["required"]?.boolValue == true && !(editing && control == .secret) && control != .checkbox,
                    placeholder: preset || control == .secret ? "" : shownDefault, range: range))
        }
        self.configFields = fields
        self.defaults = defaults
    }

    /// The form field of config key `name`: `config_` and the key in snake_case (`apiURL` → `config_api_url`),
    /// since form names are `a-z0-9_`.
    static func formName(_ name: String) -> String {
        var snake = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { snake += "_" }
            snake += character.lowercased()
            previous = character
        }
        return "config_" + snake
    }

    /// The `config` object of a submitted form: empty inputs are left out (the kind's default applies, and a secret
    /// left out of an edit keeps its value).
    func config(in form: [String: String]) throws -> JSONValue {
        try ConsoleField.body(configFields, form: form)
    }

    /// What each config input shows: the adapter's current value (`config` as the admin API returns it; never a
    /// secret's), else the default of a checkbox or a choice.
    func values(_ config: JSONValue?) -> [String: String] {
        var values: [String: String] = [:]
        for field in configFields where field.kind != .secret {
            guard let member = field.member else { continue }
            if let current = config?[member] {
                values[field.name] = Self.text(of: current)
            } else if let preset = defaults[member] {
                values[field.name] = preset
            }
        }
        return values
    }

    /// The inputs of the config fields for form `form`, filled in with `values`.
    func inputs(form: String, values: [String: String], failure: ConsoleFailure?) -> String {
        configFields.map { field in
            ConsoleMarkup.input(field, form: form, value: values[field.name] ?? "", failure: failure)
        }.joined()
    }

    /// A config value as an input shows it: a checkbox's `on` for true, a list comma-separated, an object as JSON.
    private static func text(of value: JSONValue) -> String {
        switch value {
        case .bool(let flag): flag ? "on" : ""
        case .object: value.serialized
        case .null: ""
        default: ConsoleField.text(of: value)
        }
    }
}
