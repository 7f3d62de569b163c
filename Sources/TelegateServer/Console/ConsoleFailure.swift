import TelegateCore

/// A refused form: the admin layer's error, the form it concerns, what was typed (to fill the form in again, but
/// never a secret) and the field the error is about, when one can be told.
struct ConsoleFailure: Sendable {
    let error: TelegateError
    /// The form's id on its page.
    let form: String
    let values: [String: String]
    /// The form field the error names; `nil` for the form as a whole.
    let field: String?

    /// The failure of `form` with `fields`: the error is placed next to the field whose admin member (or form name)
    /// its message names first; secrets typed in are dropped.
    init(_ error: TelegateError, form: String, fields: [ConsoleField], values: [String: String]) {
        self.error = error
        self.form = form
        let secrets = Set(fields.filter { $0.kind == .secret }.map(\.name))
        self.values = values.filter { !secrets.contains($0.key) && $0.key != ConsoleRoutes.csrfField }
        let words = error.message.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
        self.field =
            words.lazy.compactMap { word in
                fields.first { $0.member == word || $0.name == word }?.name
            }.first
    }

    /// The error for `field` of `form`, if it is this failure's.
    func message(form: String, field: String) -> TelegateError? {
        self.form == form && self.field == field ? error : nil
    }

    /// The error for `form` as a whole (no field named), if it is this failure's.
    func formMessage(_ form: String) -> TelegateError? {
        self.form == form && field == nil ? error : nil
    }

    /// The value typed into `field` of `form`, when the form is this failure's.
    func value(form: String, field: String) -> String? {
        self.form == form ? values[field] : nil
    }
}
