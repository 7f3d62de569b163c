/// Telegram's `HTML` parse mode: the tags it supports (`b`, `strong`, `i`, `em`, `u`, `ins`, `s`, `strike`, `del`,
/// `tg-spoiler`, `span class="tg-spoiler"`, `a href`, `code`, `pre`, `blockquote`, `tg-emoji`), the character
/// references `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric ones, and its refusals for unsupported, unclosed and
/// mismatched tags.
struct HTMLEntityParser {
    private struct OpenTag {
        let name: String
        let start: Int
        let attributes: [String: String]
    }

    private static let supportedTags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "span", "a", "code", "pre", "blockquote",
        "tg-emoji",
    ]
    private static let namedReferences: [String: Unicode.Scalar] = ["lt": "<", "gt": ">", "amp": "&", "quot": "\""]

    private let scalars: [Unicode.Scalar]
    private let offsets: ByteOffsets
    private var index = 0
    private var output = EntityOutput()
    private var open: [OpenTag] = []

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        self.offsets = ByteOffsets(scalars)
    }

    mutating func parse() throws(BotAPIError) -> EntityOutput {
        while index < scalars.count {
            switch scalars[index] {
            case "&": readReference()
            case "<":
                if index + 1 < scalars.count, scalars[index + 1] == "/" { try readEndTag() } else { try readStartTag() }
            default:
                output.append(scalars[index])
                index += 1
            }
        }
        if let unclosed = open.last {
            throw .entities("Can't find end tag corresponding to start tag \"\(unclosed.name)\"")
        }
        return output
    }

    /// A character reference, or a literal `&` when it is not one.
    private mutating func readReference() {
        var end = index + 1
        while end < scalars.count, end - index <= 10, scalars[end] != ";" { end += 1 }
        if end < scalars.count, scalars[end] == ";", let scalar = Self.reference(String(String.UnicodeScalarView(scalars[(index + 1)..<end]))) {
            output.append(scalar)
            index = end + 1
        } else {
            output.append("&")
            index += 1
        }
    }

    private static func reference(_ name: String) -> Unicode.Scalar? {
        if let named = namedReferences[name] { return named }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.lowercased().hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return value.flatMap(Unicode.Scalar.init)
    }

    private mutating func readEndTag() throws(BotAPIError) {
        let begin = offsets[index]
        index += 2
        var name = ""
        while index < scalars.count, scalars[index] != ">" {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard index < scalars.count else { throw .entities("Unclosed end tag at byte offset \(begin)") }
        index += 1
        name = name.trimmingWhitespace().lowercased()
        guard let tag = open.popLast() else { throw .entities("Unexpected end tag at byte offset \(begin)") }
        guard name == tag.name else {
            throw .entities("Unmatched end tag at byte offset \(begin), expected \"</\(tag.name)>\", found \"</\(name)>\"")
        }
        close(tag)
    }

    private mutating func readStartTag() throws(BotAPIError) {
        let begin = offsets[index]
        index += 1
        var name = ""
        while index < scalars.count, Self.isNameCharacter(scalars[index]) {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        name = name.lowercased()
        guard Self.supportedTags.contains(name) else {
            throw .entities("Unsupported start tag \"\(name)\" at byte offset \(begin)")
        }
        var attributes: [String: String] = [:]
        while true {
            skipWhitespace()
            guard index < scalars.count else { throw .entities("Unclosed start tag at byte offset \(begin)") }
            if scalars[index] == ">" {
                index += 1
                break
            }
            var attribute = ""
            while index < scalars.count, Self.isNameCharacter(scalars[index]) {
                attribute.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard !attribute.isEmpty else {
                throw .entities("Empty attribute name in the tag \"\(name)\" at byte offset \(begin)")
            }
            skipWhitespace()
            guard index < scalars.count, scalars[index] == "=" else {
                attributes[attribute.lowercased()] = ""
                continue
            }
            index += 1
            skipWhitespace()
            attributes[attribute.lowercased()] = try readAttributeValue(tagOffset: begin)
        }
        if name == "span", attributes["class"] != "tg-spoiler" {
            throw .entities("Tag \"span\" must have class \"tg-spoiler\" at byte offset \(begin)")
        }
        open.append(OpenTag(name: name, start: output.length, attributes: attributes))
    }

    private mutating func readAttributeValue(tagOffset: Int) throws(BotAPIError) -> String {
        var value = ""
        guard index < scalars.count else { throw .entities("Unclosed start tag at byte offset \(tagOffset)") }
        let quote = scalars[index]
        if quote == "\"" || quote == "'" {
            index += 1
            while index < scalars.count, scalars[index] != quote {
                value.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard index < scalars.count else { throw .entities("Unclosed start tag at byte offset \(tagOffset)") }
            index += 1
        } else {
            while index < scalars.count, !scalars[index].properties.isWhitespace, scalars[index] != ">" {
                value.unicodeScalars.append(scalars[index])
                index += 1
            }
        }
        return value
    }

    private mutating func skipWhitespace() {
        while index < scalars.count, scalars[index].properties.isWhitespace || scalars[index] == "/" { index += 1 }
    }

    private mutating func close(_ tag: OpenTag) {
        switch tag.name {
        case "b", "strong": output.close("bold", from: tag.start)
        case "i", "em": output.close("italic", from: tag.start)
        case "u", "ins": output.close("underline", from: tag.start)
        case "s", "strike", "del": output.close("strikethrough", from: tag.start)
        case "tg-spoiler", "span": output.close("spoiler", from: tag.start)
        case "code": output.close("code", from: tag.start)
        case "pre":
            let language = tag.attributes["class"].flatMap { $0.hasPrefix("language-") ? String($0.dropFirst(9)) : nil }
            output.close("pre", from: tag.start, language: language)
        case "blockquote":
            output.close(tag.attributes["expandable"] != nil ? "expandable_blockquote" : "blockquote", from: tag.start)
        case "a":
            if let href = tag.attributes["href"], !href.isEmpty { output.close("text_link", from: tag.start, url: href) }
        default:
            break  // tg-emoji: a custom emoji needs a sticker set the simulator does not have; its text stays plain.
        }
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }
}

extension String {
    /// The string without leading and trailing white space.
    func trimmingWhitespace() -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
