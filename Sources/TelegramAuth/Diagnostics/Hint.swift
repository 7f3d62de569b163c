/// One diagnosis of a failed proof: a known mistake that matches what was received, in words and as a stable code.
///
/// Hints are data, like compiler diagnostics: they explain a verdict and never change it.
public struct Hint: Sendable, Hashable, Codable {
    /// A stable identifier for the mistake (for example `widget_key_used`).
    public let code: String
    /// What happened and how to fix it.
    public let message: String
}
