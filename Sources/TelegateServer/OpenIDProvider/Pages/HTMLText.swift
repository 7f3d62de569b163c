/// Text placed into the hosted pages' HTML. Every string that may come from Telegram, the request or the
/// configuration goes through `escaped(_:)` before it touches the markup; the pages quote every attribute with
/// `"`, so the one function is safe in element content and in attribute values alike.
enum HTMLText {
    /// `text` with the five characters that can end an element, an attribute or start a tag or entity replaced by
    /// their character references. `</script>` becomes `&lt;/script&gt;`, so no value can close or open an element.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
