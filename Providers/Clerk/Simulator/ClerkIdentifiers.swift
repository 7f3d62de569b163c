/// Clerk-style object ids: a type prefix and 27 random alphanumerics (`user_2x…`, `sit_…`, `sess_…`).
enum ClerkIdentifiers {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func make(_ prefix: String, length: Int = 27) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
