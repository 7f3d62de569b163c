import Foundation

/// Reads a proof given on the command line, or from standard input when it is `-`.
enum ProofInput {
    static func read(_ argument: String) -> String {
        guard argument == "-" else { return argument }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
