import Foundation

/// A deliberately simple HTML reader, as a script that logs in without a browser would write one: start tags with
/// double-quoted (or bare) attributes, character references undone.
enum HTMLParse {
    struct Tag {
        var name: String
        var attributes: [String: String]
    }

    struct Form {
        var action: String
        var method: String
        var fields: [(name: String, value: String)]
    }

    /// Every start tag, in document order.
    static func tags(_ html: String) -> [Tag] {
        let tag = try! NSRegularExpression(pattern: #"<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>"/]+(?:="[^"]*")?)*)\s*/?>"#)
        let attribute = try! NSRegularExpression(pattern: #"([^\s=>"/]+)(?:="([^"]*)")?"#)
        let text = html as NSString
        return tag.matches(in: html, range: NSRange(location: 0, length: text.length)).map { match in
            let rest = text.substring(with: match.range(at: 2))
            let restText = rest as NSString
            var attributes: [String: String] = [:]
            for pair in attribute.matches(in: rest, range: NSRange(location: 0, length: restText.length)) {
                let value = pair.range(at: 2).location == NSNotFound ? "" : restText.substring(with: pair.range(at: 2))
                attributes[restText.substring(with: pair.range(at: 1)).lowercased()] = unescaped(value)
            }
            return Tag(name: text.substring(with: match.range(at: 1)).lowercased(), attributes: attributes)
        }
    }

    /// The form with `id`: its action, method and hidden inputs up to its `</form>`.
    static func form(_ html: String, id: String) -> Form? {
        var rest = Substring(html)
        while let start = rest.range(of: "<form ") {
            let body = rest[start.lowerBound...]
            let end = body.range(of: "</form>")?.lowerBound ?? body.endIndex
            let tags = tags(String(body[..<end]))
            if let head = tags.first, head.attributes["id"] == id {
                let fields = tags.filter { $0.name == "input" && $0.attributes["type"] == "hidden" }
                    .map { (name: $0.attributes["name"] ?? "", value: $0.attributes["value"] ?? "") }
                return Form(action: head.attributes["action"] ?? "", method: head.attributes["method"] ?? "get", fields: fields)
            }
            rest = body[end...]
        }
        return nil
    }

    /// `text` with the character references the pages write turned back into characters.
    static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
