import TelegateCore

/// The console's building blocks of markup. Every value that is not markup goes through ``HTMLText/escaped(_:)``
/// (the hosted pages' one escaping function) here or in the page that builds it; attributes are always quoted with
/// `"`.
enum ConsoleMarkup {
    /// Escapes text for element content or a quoted attribute.
    static func text(_ value: String) -> String { HTMLText.escaped(value) }

    /// A POST form to `action` carrying the CSRF token; `content` is markup. `confirm` names the value a typed
    /// confirmation must equal (the script keeps the button disabled until it does; the server checks it again).
    static func form(
        id: String, action: String, csrf: String, content: String, submit: String, danger: Bool = false,
        failure: ConsoleFailure? = nil, confirm: String? = nil
    ) -> String {
        var attributes = "id=\"\(text(id))\" method=\"post\" action=\"\(text(action))\""
        if let confirm { attributes += " data-confirm=\"\(text(confirm))\"" }
        let problem = failure?.formMessage(id).map { "<p class=\"error\" role=\"alert\">\(errorText($0))</p>" } ?? ""
        return """
            <form \(attributes)>
            <input type="hidden" name="\(ConsoleRoutes.csrfField)" value="\(text(csrf))">
            \(problem)\(content)
            <button type="submit" class="\(danger ? "danger" : "primary")">\(text(submit))</button>
            </form>
            """
    }

    /// A labelled input for `field` of form `form`, showing `value` (or what was typed into a refused form), with
    /// its hint and, when the failure concerns it, the error beside it.
    static func input(_ field: ConsoleField, form: String, value: String = "", failure: ConsoleFailure? = nil) -> String {
        let id = "\(form)-\(field.name)"
        let shown = field.kind == .secret ? "" : (failure?.value(form: form, field: field.name) ?? value)
        let error = failure?.message(form: form, field: field.name)
        var described: [String] = []
        var after = ""
        if !field.hint.isEmpty {
            described.append("\(id)-hint")
            after += "<small id=\"\(text(id))-hint\">\(text(field.hint))</small>"
        }
        if let error {
            described.append("\(id)-error")
            after += "<p class=\"error\" id=\"\(text(id))-error\" role=\"alert\">\(errorText(error))</p>"
        }
        var attributes = "id=\"\(text(id))\" name=\"\(text(field.name))\""
        if !described.isEmpty { attributes += " aria-describedby=\"\(text(described.joined(separator: " ")))\"" }
        if error != nil { attributes += " aria-invalid=\"true\"" }
        if field.required { attributes += " required" }
        if !field.placeholder.isEmpty { attributes += " placeholder=\"\(text(field.placeholder))\"" }
        let control: String
        switch field.kind {
        case .text, .list: control = "<input type=\"text\" \(attributes) value=\"\(text(shown))\" autocomplete=\"off\">"
        case .json:
            control = "<input type=\"text\" \(attributes) value=\"\(text(shown))\" autocomplete=\"off\" spellcheck=\"false\">"
        case .url: control = "<input type=\"url\" \(attributes) value=\"\(text(shown))\" autocomplete=\"off\">"
        case .secret: control = "<input type=\"password\" \(attributes) autocomplete=\"off\" spellcheck=\"false\">"
        case .number:
            let range = field.range.map { " min=\"\($0.lowerBound)\" max=\"\($0.upperBound)\"" } ?? ""
            control = "<input type=\"number\" \(attributes) value=\"\(text(shown))\" inputmode=\"numeric\"\(range)>"
        case .choice(let values):
            let options = (field.required ? [] : [""]) + values
            control = "<select \(attributes)>"
                + options.map { option in
                    let selected = option == shown ? " selected" : ""
                    return "<option value=\"\(text(option))\"\(selected)>\(text(option.isEmpty ? "—" : option))</option>"
                }.joined() + "</select>"
        case .checkbox:
            let checked = shown.isEmpty ? "" : " checked"
            return "<div class=\"check\"><input type=\"checkbox\" \(attributes) value=\"on\"\(checked)>"
                + "<label for=\"\(text(id))\">\(text(field.label))</label>\(after)</div>"
        }
        return "<div class=\"field\"><label for=\"\(text(id))\">\(text(field.label))</label>\(control)\(after)</div>"
    }

    /// An error from the admin layer: its message and its stable code.
    static func errorText(_ error: TelegateError) -> String {
        "\(text(error.message)) <code>\(text(error.code.rawValue))</code>"
    }

    /// A table with a caption; `rows` are cells already in markup. It scrolls sideways on a narrow screen, in a region
    /// the keyboard can reach.
    static func table(caption: String, headers: [String], rows: [[String]]) -> String {
        let head = headers.map { "<th scope=\"col\">\(text($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return """
            <div class="scroll" tabindex="0" role="region" aria-label="\(text(caption))"><table>
            <caption>\(text(caption))</caption>
            <thead><tr>\(head)</tr></thead>
            <tbody>
            \(body)
            </tbody>
            </table></div>
            """
    }

    /// What to do when a list is empty.
    static func empty(_ message: String) -> String {
        "<p class=\"empty\">\(text(message))</p>"
    }

    /// A link; `href` and `label` are escaped.
    static func link(_ href: String, _ label: String) -> String {
        "<a href=\"\(text(href))\">\(text(label))</a>"
    }

    /// A notice of a change that went through.
    static func notice(_ message: String) -> String {
        "<p class=\"notice\" role=\"status\">\(text(message))</p>"
    }

    /// A Unix time as UTC text.
    static func time(_ seconds: Int64?) -> String {
        guard let seconds else { return "—" }
        return text(ConsoleTime.utc(seconds))
    }
}
