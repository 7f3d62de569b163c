import TelegramAuth

/// Text made safe to print on a terminal: characters a terminal would act on, or that rearrange what is shown,
/// are written as visible escapes (`\n`, `\u{1b}`), so a Telegram name cannot clear the screen, move the cursor,
/// start a new table row or reorder its line.
///
/// Escaped: C0 controls (U+0000–U+001F, ESC among them), DEL, C1 controls (U+0080–U+009F), the line and paragraph
/// separators U+2028 and U+2029, and the bidirectional marks, embeddings, overrides and isolates (U+061C,
/// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Everything else is printed as is.
enum TerminalText {
    /// `text` with every unsafe character replaced by its visible escape.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                output += scalar.shortEscape ?? "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
