/// Telegram's `MarkdownV2` (version 2) and legacy `Markdown` (version 1) parse modes.
///
/// MarkdownV2: `*bold*`, `_italic_`, `__underline__`, `~strikethrough~`, `||spoiler||`, `` `code` ``,
/// ```` ```language\npre``` ````, `[text](url)` and `>` quotes at the start of a line, nested; every other
/// `_*[]()~`>#+-=|{}.!` must be escaped with `\`, and inside code only `` ` `` and `\` are. Markdown: `*bold*`,
/// `_italic_`, `` `code` ``, ```` ```pre``` ```` and `[text](url)`, not nested, with `\` escaping `_*`[`.
struct MarkdownEntityParser {
    private struct OpenEntity {
        let type: String
        let name: String
        let delimiter: String
        let start: Int
        let byteOffset: Int
        var language: String? = nil
    }

    private static let reserved: Set<Unicode.Scalar> = Set("_*[]()~`>#+-=|{}.!".unicodeScalars)
    private static let legacyDelimiters: Set<Unicode.Scalar> = ["_", "*", "`", "["]

    private let scalars: [Unicode.Scalar]
    private let offsets: ByteOffsets
    private let version: Int
    private var index = 0
    private var output = EntityOutput()
    private var open: [OpenEntity] = []

    init(_ scalars: [Unicode.Scalar], version: Int) {
        self.scalars = scalars
        self.offsets = ByteOffsets(scalars)
        self.version = version
    }

    mutating func parse() throws(BotAPIError) -> EntityOutput {
        if version == 1 { try parseLegacy() } else { try parseVersion2() }
        return output
    }

    // MARK: MarkdownV2

    private mutating func parseVersion2() throws(BotAPIError) {
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count, (1..<127).contains(scalars[index + 1].value) {
                output.append(scalars[index + 1])
                index += 2
                continue
            }
            if let top = open.last, top.type == "code" || top.type == "pre" {
                if has(top.delimiter) {
                    closeTop()
                } else {
                    output.append(scalar)
                    index += 1
                }
                continue
            }
            guard Self.reserved.contains(scalar) else {
                output.append(scalar)
                index += 1
                continue
            }
            try readDelimiter(scalar)
        }
        if let unclosed = open.last {
            throw .entities("Can't find end of \(unclosed.name) entity at byte offset \(unclosed.byteOffset)")
        }
    }

    private mutating func readDelimiter(_ scalar: Unicode.Scalar) throws(BotAPIError) {
        let atLineStart = index == 0 || scalars[index - 1] == "\n"
        switch scalar {
        case "]" where open.last?.type == "text_link":
            try closeLink()
        case ">" where atLineStart:
            index += 1  // A quote marker: the line is a block quote.
        case "*": toggle("*", type: "bold", name: "Bold")
        case "~": toggle("~", type: "strikethrough", name: "Strikethrough")
        case "_" where has("__"): toggle("__", type: "underline", name: "Underline")
        case "_": toggle("_", type: "italic", name: "Italic")
        case "|" where has("||"): toggle("||", type: "spoiler", name: "Spoiler")
        case "`" where has("```"): openPre()
        case "`": toggle("`", type: "code", name: "Code")
        case "[": push("]", type: "text_link", name: "TextUrl", length: 1)
        default:
            throw .entities("Character '\(Character(scalar))' is reserved and must be escaped with the preceding '\\'")
        }
    }

    /// Closes the innermost entity when `delimiter` ends it, or opens a new one.
    private mutating func toggle(_ delimiter: String, type: String, name: String) {
        if let top = open.last, top.delimiter == delimiter {
            closeTop()
        } else {
            push(delimiter, type: type, name: name, length: delimiter.unicodeScalars.count)
        }
    }

    /// Opens an entity whose opening mark is `length` scalars long and which `delimiter` closes.
    private mutating func push(_ delimiter: String, type: String, name: String, length: Int) {
        open.append(OpenEntity(type: type, name: name, delimiter: delimiter, start: output.length, byteOffset: offsets[index]))
        index += length
    }

    private mutating func openPre() {
        var entity = OpenEntity(type: "pre", name: "Pre", delimiter: "```", start: output.length, byteOffset: offsets[index])
        index += 3
        var end = index
        while end < scalars.count, scalars[end] != "\n", !scalars[end].properties.isWhitespace, scalars[end] != "`" { end += 1 }
        if end < scalars.count, scalars[end] == "\n", end > index {
            entity.language = String(String.UnicodeScalarView(scalars[index..<end]))
            index = end + 1
        }
        open.append(entity)
    }

    private mutating func closeTop() {
        guard let top = open.popLast() else { return }
        index += top.delimiter.unicodeScalars.count
        output.close(top.type, from: top.start, language: top.language)
    }

    /// `](url)`: the end of a link's text and its URL.
    private mutating func closeLink() throws(BotAPIError) {
        guard let link = open.popLast() else { return }
        index += 1
        guard index < scalars.count, scalars[index] == "(" else { return }
        let urlOffset = offsets[index]
        index += 1
        var url = ""
        while index < scalars.count, scalars[index] != ")" {
            if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
            url.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard index < scalars.count else { throw .entities("Can't find end of a URL at byte offset \(urlOffset)") }
        index += 1
        if !url.isEmpty { output.close("text_link", from: link.start, url: url) }
    }

    private func has(_ text: String) -> Bool {
        let wanted = Array(text.unicodeScalars)
        return index + wanted.count <= scalars.count && Array(scalars[index..<(index + wanted.count)]) == wanted
    }

    // MARK: Markdown (legacy)

    private mutating func parseLegacy() throws(BotAPIError) {
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count, Self.legacyDelimiters.contains(scalars[index + 1]) {
                output.append(scalars[index + 1])
                index += 2
                continue
            }
            guard Self.legacyDelimiters.contains(scalar) else {
                output.append(scalar)
                index += 1
                continue
            }
            let begin = offsets[index]
            let start = output.length
            let (type, delimiter): (String, String) =
                switch scalar {
                case "*": ("bold", "*")
                case "_": ("italic", "_")
                case "[": ("text_link", "]")
                default: has("```") ? ("pre", "```") : ("code", "`")
                }
            index += type == "pre" ? 3 : 1
            guard let end = find(delimiter) else {
                throw .entities("Can't find end of the entity starting at byte offset \(begin)")
            }
            for inner in scalars[index..<end] { output.append(inner) }
            index = end + delimiter.unicodeScalars.count
            if type == "text_link" {
                try readLegacyURL(from: start, begin: begin)
            } else {
                output.close(type, from: start)
            }
        }
    }

    private mutating func readLegacyURL(from start: Int, begin: Int) throws(BotAPIError) {
        guard index < scalars.count, scalars[index] == "(" else { return }
        index += 1
        guard let end = find(")") else { throw .entities("Can't find end of the entity starting at byte offset \(begin)") }
        let url = String(String.UnicodeScalarView(scalars[index..<end]))
        index = end + 1
        if !url.isEmpty { output.close("text_link", from: start, url: url) }
    }

    /// Where `delimiter` next occurs from the current index.
    private func find(_ delimiter: String) -> Int? {
        let wanted = Array(delimiter.unicodeScalars)
        var position = index
        while position + wanted.count <= scalars.count {
            if Array(scalars[position..<(position + wanted.count)]) == wanted { return position }
            position += 1
        }
        return nil
    }
}
