/// A POST form whose inputs are all hidden: the login form the script completes and the consent form's request.
enum HiddenForm {
    /// The opening tag, one hidden input per field in order, and `extra` (buttons) before the closing tag.
    static func markup(id: String, action: String, fields: [(name: String, value: String)], extra: String = "") -> String {
        let inputs = fields.map {
            "<input type=\"hidden\" name=\"\(HTMLText.escaped($0.name))\" value=\"\(HTMLText.escaped($0.value))\">"
        }
        return (["<form id=\"\(id)\" method=\"post\" action=\"\(HTMLText.escaped(action))\">"] + inputs + [extra, "</form>"])
            .filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
