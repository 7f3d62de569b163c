import ProviderKit
import TelegateCore

/// The Logto username of a Telegram user, from a template such as `tg_{telegram_id}`.
///
/// The username is what keeps one Logto user per local user (Logto refuses a duplicate), so the template must
/// contain `{telegram_id}`, and every rendering must fit Logto's username rule `^[A-Z_a-z]\w*$`.
struct UsernameTemplate: Sendable {
    static let placeholder = "{telegram_id}"
    private let template: String

    init(_ template: String) throws {
        guard template.contains(Self.placeholder) else {
            throw AdapterConfigSchema.invalid("username must contain {telegram_id}")
        }
        self.template = template
        // Telegram ids are positive; the longest one checks the length, the digits check the characters.
        guard Self.fitsLogto(render(9_999_999_999_999)) else {
            throw AdapterConfigSchema.invalid("username must fit Logto's rule ^[A-Z_a-z]\\w*$ (start with a letter or _, then letters, digits or _)")
        }
    }

    /// The username of Telegram user `telegramID`.
    func render(_ telegramID: Int64) -> String {
        template.replacing(Self.placeholder, with: String(telegramID))
    }

    /// Whether `username` matches `^[A-Z_a-z]\w*$` (ASCII word characters, as Logto's check reads).
    static func fitsLogto(_ username: String) -> Bool {
        guard let first = username.utf8.first, isLetterOrUnderscore(first), username.utf8.count <= 128 else { return false }
        return username.utf8.allSatisfy { isLetterOrUnderscore($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isLetterOrUnderscore(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }
}
