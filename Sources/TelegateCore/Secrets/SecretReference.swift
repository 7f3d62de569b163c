import Foundation

/// Where a secret comes from in configuration: `env:NAME` or `file:PATH`. Literal secrets are refused, so
/// configuration files can be committed and shown without leaking anything.
public enum SecretReference: Sendable, Equatable, CustomStringConvertible {
    case environment(String)
    case file(String)

    /// Parses a reference; anything else is refused.
    public init(_ text: String) throws {
        if text.hasPrefix("env:"), text.count > 4 {
            self = .environment(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:"), text.count > 5 {
            self = .file(String(text.dropFirst(5)))
        } else {
            throw TelegateError(
                .literalSecret,
                "secrets must be references (env:NAME or file:PATH), never literal values")
        }
    }

    public var description: String {
        switch self {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }

    /// Reads the secret; trailing newlines of files are dropped.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw TelegateError(.secretUnresolved, "the environment variable \(name) is not set")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TelegateError(.secretUnresolved, "the secret file \(path) cannot be read")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
    }
}
