import ArgumentParser
import Foundation

/// Where the CLI reads a secret: `env:NAME`, `file:PATH` or `stdin`. Never the command line itself, which `ps`
/// and shell history would keep.
struct SecretInput {
    /// The secret's value.
    let value: String
    /// The reference to record for exports (`env:NAME`, `file:PATH`); `nil` for stdin.
    let reference: String?

    /// Reads the secret `source` names.
    init(_ source: String) throws {
        if source == "stdin" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            reference = nil
        } else if source.hasPrefix("env:"), source.count > 4 {
            let name = String(source.dropFirst(4))
            guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else {
                throw ValidationError("the environment variable \(name) is not set")
            }
            value = text
            reference = source
        } else if source.hasPrefix("file:"), source.count > 5 {
            let path = String(source.dropFirst(5))
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            reference = source
        } else {
            throw ValidationError("a secret comes from env:NAME, file:PATH or stdin, never from the command line")
        }
        guard !value.isEmpty else { throw ValidationError("the secret is empty") }
    }
}
