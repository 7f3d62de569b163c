import Foundation
import StrictJSON

/// Request input read the way Logto's route guards read it.
enum LogtoRequestInput {
    /// A JSON object body whose members are all in `allowed` (unknown members are refused, so a misspelt field
    /// never passes silently), as name → value.
    static func object(_ bytes: [UInt8], contentType: String?, allowed: Set<String>) throws(LogtoSimulatorError)
        -> [String: JSONValue]
    {
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
            throw .invalidInput("the body must be application/json")
        }
        guard let value = try? JSONValue.parse(bytes), let members = value.objectMembers else {
            throw .invalidInput("the body must be a JSON object")
        }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard allowed.contains(member.key) else { throw .invalidInput("unrecognized key: \"\(member.key.prefix(40))\"") }
            guard fields[member.key] == nil else { throw .invalidInput("duplicate key: \"\(member.key.prefix(40))\"") }
            fields[member.key] = member.value
        }
        return fields
    }
}
