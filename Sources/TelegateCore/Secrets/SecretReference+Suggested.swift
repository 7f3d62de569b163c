import Foundation

/// The references Telegate records for secrets given as values, so an export names where each one should come from.
extension SecretReference {
    /// The reference recorded for a secret given only as a value: `env:TELEGATE_<APP>_<ADAPTER>_<FIELD>`.
    public static func suggested(appID: AppID, adapter: AdapterName, field: String) -> String {
        "env:" + ["TELEGATE", appID.rawValue, adapter.rawValue, field].map(environmentName).joined(separator: "_")
    }

    /// The reference recorded for a bot token given only as a value: `env:TELEGATE_<APP>_BOT_<ID>_TOKEN`.
    public static func suggestedBotToken(appID: AppID, botID: Int64) -> String {
        "env:TELEGATE_\(environmentName(appID.rawValue))_BOT_\(botID)_TOKEN"
    }

    private static func environmentName(_ text: String) -> String {
        var output = ""
        var previous: Character?
        for character in text {
            // camelCase words are separated: apiKey → API_KEY.
            if character.isUppercase, previous?.isLowercase == true { output.append("_") }
            output.append(character.isLetter || character.isNumber ? Character(character.uppercased()) : "_")
            previous = character
        }
        return output
    }
}
