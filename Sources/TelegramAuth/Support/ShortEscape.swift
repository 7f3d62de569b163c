extension Unicode.Scalar {
    /// The backslash escape of a newline, carriage return or tab (`\n`, `\r`, `\t`), as JSON writes them and as
    /// the CLI shows them on a terminal; `nil` for any other scalar.
    package var shortEscape: String? {
        switch self {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: nil
        }
    }
}
