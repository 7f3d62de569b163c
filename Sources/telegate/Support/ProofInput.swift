import Foundation
import StrictJSON
import TelegramAuth

/// Reads a proof given on the command line, or from standard input when it is `-`, as the exact bytes received:
/// bytes that are not UTF-8 are refused as `malformed`, never replaced with U+FFFD before verification.
enum ProofInput {
    static func read(_ argument: String) throws(TelegramAuthError) -> String {
        let bytes = argument == "-" ? trimmed(Array(FileHandle.standardInput.readDataToEndOfFile())) : rawArgument(argument)
        guard bytes.withUnsafeBufferPointer(UTF8Validator.isValid) else {
            throw TelegramAuthError(.malformed, "the input is not valid UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of the command-line argument that reads as `argument`. Swift decodes arguments with U+FFFD in place
    /// of invalid UTF-8, so only an argument holding U+FFFD can differ from its bytes; any argument it can have
    /// come from that is not UTF-8 is returned as is, to be refused.
    private static func rawArgument(_ argument: String) -> [UInt8] {
        guard argument.unicodeScalars.contains("\u{FFFD}") else { return Array(argument.utf8) }
        for index in 0..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let raw = Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
            if String(decoding: raw, as: UTF8.self).utf8.elementsEqual(argument.utf8), !raw.withUnsafeBufferPointer(UTF8Validator.isValid) {
                return raw
            }
        }
        return Array(argument.utf8)
    }

    /// `bytes` without leading and trailing ASCII spaces, tabs and line breaks (a pasted proof ends with one).
    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return Array(bytes[first...last])
    }
}
