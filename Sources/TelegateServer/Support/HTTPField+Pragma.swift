import HTTPTypes

extension HTTPField.Name {
    /// `Pragma` (RFC 9111 §5.4), which OAuth answers carry as `no-cache` for HTTP/1.0 caches (RFC 6749 §5.1).
    static let pragma = HTTPField.Name("Pragma")!
}
