import StrictJSON

/// A message text as Telegram keeps it after reading its `parse_mode`: the plain text and its entities (UTF-16
/// offsets and lengths, as the Bot API counts them), leading and trailing white space removed.
struct BotMessageText: Sendable, Equatable {
    /// One formatting entity (`MessageEntity`).
    struct Entity: Sendable, Equatable {
        var type: String
        var offset: Int
        var length: Int
        var url: String? = nil
        var language: String? = nil

        var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [
                ("offset", .integer(offset)), ("length", .integer(length)), ("type", .string(type)),
            ]
            if let url { members.append(("url", .string(url))) }
            if let language { members.append(("language", .string(language))) }
            return .object(members)
        }
    }

    /// The most UTF-16 code units a message text may have after entity parsing.
    static let maximumLength = 4096
    /// The most bytes a `text` parameter may have before parsing.
    static let maximumInputBytes = 1 << 15

    var text: String
    var entities: [Entity]

    /// `text` read with `parseMode` (`HTML`, `MarkdownV2` or `Markdown`, any case; none for plain text), refused
    /// the way `sendMessage` refuses it: empty, unparsable, or too long.
    init(_ text: String, parseMode: String?) throws(BotAPIError) {
        guard !text.isEmpty else { throw .badRequest("Message text is empty") }
        guard text.utf8.count <= Self.maximumInputBytes else { throw .badRequest("Text is too long") }
        let scalars = Array(text.unicodeScalars)
        var parsed: EntityOutput
        switch parseMode?.lowercased() {
        case nil, "", "none":
            parsed = EntityOutput()
            for scalar in scalars { parsed.append(scalar) }
        case "html":
            var parser = HTMLEntityParser(scalars)
            parsed = try parser.parse()
        case "markdownv2", "markdown":
            var parser = MarkdownEntityParser(scalars, version: parseMode?.lowercased() == "markdown" ? 1 : 2)
            parsed = try parser.parse()
        default: throw .badRequest("Unsupported parse_mode")
        }
        (self.text, self.entities) = parsed.trimmed()
        guard !self.text.isEmpty else { throw .badRequest("Message text is empty") }
        guard self.text.utf16.count <= Self.maximumLength else { throw .badRequest("Message is too long") }
    }

    /// The `entities` member of a `Message`, when there are any.
    var entitiesJSON: JSONValue? {
        entities.isEmpty ? nil : .array(entities.map(\.json))
    }
}

/// The text an entity parser writes and the entities it closes, counted in UTF-16 code units.
struct EntityOutput {
    private var scalars: [Unicode.Scalar] = []
    private(set) var length = 0
    private var entities: [BotMessageText.Entity] = []

    mutating func append(_ scalar: Unicode.Scalar) {
        scalars.append(scalar)
        length += scalar.utf16.count
    }

    /// Records an entity from `start` to the current end, unless it would be empty.
    mutating func close(_ type: String, from start: Int, url: String? = nil, language: String? = nil) {
        guard length > start else { return }
        entities.append(.init(type: type, offset: start, length: length - start, url: url, language: language))
    }

    /// The text without leading and trailing white space, and the entities clipped to it, in Telegram's order.
    func trimmed() -> (String, [BotMessageText.Entity]) {
        let first = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        let last = scalars.lastIndex { !$0.properties.isWhitespace }.map { $0 + 1 } ?? first
        let kept = first < last ? Array(scalars[first..<last]) : []
        let dropped = scalars[..<first].reduce(0) { $0 + $1.utf16.count }
        let keptLength = kept.reduce(0) { $0 + $1.utf16.count }
        var text = ""
        text.unicodeScalars.append(contentsOf: kept)
        let clipped = entities.compactMap { entity -> BotMessageText.Entity? in
            var entity = entity
            let start = max(0, entity.offset - dropped)
            let end = min(entity.offset + entity.length - dropped, keptLength)
            guard end > start else { return nil }
            (entity.offset, entity.length) = (start, end - start)
            return entity
        }
        return (text, clipped.sorted { ($0.offset, -$0.length) < ($1.offset, -$1.length) })
    }
}

extension BotAPIError {
    /// `400 Bad Request: can't parse entities: …`.
    static func entities(_ detail: String) -> Self { .badRequest("Can't parse entities: " + detail) }
}

/// Byte offsets (UTF-8) of a text's scalars, the way Telegram points at the place an entity fails.
struct ByteOffsets {
    private let offsets: [Int]

    init(_ scalars: [Unicode.Scalar]) {
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var total = 0
        for scalar in scalars {
            offsets.append(total)
            total += String(scalar).utf8.count
        }
        offsets.append(total)
        self.offsets = offsets
    }

    subscript(index: Int) -> Int { offsets[min(index, offsets.count - 1)] }
}
