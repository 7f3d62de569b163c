import TelegramAuth

extension UserProfile {
    /// The profile after a newer proof of kind `proof` described `user`, decided field by field.
    ///
    /// A proof says one of three things about a field: its value; that the user has none (the field is missing from
    /// a proof that always carries it when it exists); or nothing (the proof kind never carries the field, or Telegram
    /// leaves it out for reasons other than its absence). Only the first two change what is stored; an empty string
    /// counts as missing.
    ///
    /// | field | `initData` | Login Widget | Telegram OIDC |
    /// |---|---|---|---|
    /// | first name | replaced | replaced | replaced (full-name rule below) |
    /// | last name | missing clears | missing clears | missing clears (full-name rule below) |
    /// | username | missing clears: usernames are recycled | missing clears | `preferred_username`; missing clears |
    /// | photo | missing keeps: privacy settings and some launch modes hide it | missing keeps | `picture`; missing keeps |
    /// | language | missing keeps | not carried: kept | not carried: kept |
    /// | premium | missing means not premium (Telegram sends the flag only when true) | not carried: kept | not carried: kept |
    /// | allows write to PM | missing means not allowed | not carried: kept | not carried: kept |
    ///
    /// Full-name rule: a Telegram OIDC token may carry only `name`, the full name, which is then read as the first
    /// name. When it equals the stored first and last name joined by a space, the stored names are kept; otherwise
    /// the full name becomes the first name and the last name is cleared.
    public func updated(by user: TelegramUser, proof: TelegramIdentity.Proof) -> UserProfile {
        var profile = self
        let lastName = user.lastName.nonEmpty
        let onlyFullName = proof == .telegramOIDC && lastName == nil && user.firstName == displayName
        if !onlyFullName {
            profile.firstName = user.firstName
            profile.lastName = lastName
        }
        profile.username = user.username.nonEmpty
        profile.photoURL = user.photoURL.nonEmpty ?? photoURL
        if proof == .initData {
            profile.languageCode = user.languageCode.nonEmpty ?? languageCode
            profile.isPremium = user.isPremium
            profile.allowsWriteToPM = user.allowsWriteToPM
        }
        return profile
    }
}

extension Optional<String> {
    /// The text, or `nil` when it is missing or empty.
    fileprivate var nonEmpty: String? {
        switch self {
        case .some(let text) where !text.isEmpty: text
        default: nil
        }
    }
}
