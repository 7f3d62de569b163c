import TelegateCore
import TelegramAuth
import Testing

/// What each proof kind's missing fields mean for a stored profile (docs/api.md, "How the profile changes").
@Suite("Profile update")
struct ProfileUpdateTests {
    /// A profile with every field set, as a full initData left it.
    static let stored = UserProfile(
        firstName: "Ada", lastName: "Lovelace", username: "ada", photoURL: "https://t.me/i/userpic/320/ada.jpg",
        languageCode: "en", isPremium: true, allowsWriteToPM: true)

    @Test("initData without photo_url keeps the photo, without username or last_name clears them")
    func initDataMissingFields() {
        let updated = Self.stored.updated(by: TelegramUser(id: 1, firstName: "Ada"), proof: .initData)
        #expect(updated.photoURL == Self.stored.photoURL)
        #expect(updated.username == nil)
        #expect(updated.lastName == nil)
        #expect(updated.firstName == "Ada")
    }

    @Test("initData: a missing language keeps it; missing is_premium and allows_write_to_pm mean false")
    func initDataFlags() {
        let updated = Self.stored.updated(by: TelegramUser(id: 1, firstName: "Ada"), proof: .initData)
        #expect(updated.languageCode == "en")
        #expect(updated.isPremium == false)
        #expect(updated.allowsWriteToPM == false)

        let granted = UserProfile(firstName: "Ada").updated(
            by: TelegramUser(id: 1, firstName: "Ada", languageCode: "de", isPremium: true, allowsWriteToPM: true),
            proof: .initData)
        #expect(granted.languageCode == "de")
        #expect(granted.isPremium)
        #expect(granted.allowsWriteToPM)
    }

    @Test("initData replaces every field it carries")
    func initDataReplaces() {
        let user = TelegramUser(
            id: 1, firstName: "Augusta", lastName: "King", username: "augusta", languageCode: "fr", isPremium: true,
            allowsWriteToPM: true, photoURL: "https://t.me/i/userpic/320/new.svg")
        #expect(
            Self.stored.updated(by: user, proof: .initData)
                == UserProfile(
                    firstName: "Augusta", lastName: "King", username: "augusta", photoURL: "https://t.me/i/userpic/320/new.svg",
                    languageCode: "fr", isPremium: true, allowsWriteToPM: true))
    }

    @Test("Empty strings count as missing: an empty last name clears, an empty photo keeps")
    func emptyStrings() {
        let updated = Self.stored.updated(
            by: TelegramUser(id: 1, firstName: "Ada", lastName: "", username: "", languageCode: "", photoURL: ""),
            proof: .initData)
        #expect(updated.lastName == nil)
        #expect(updated.username == nil)
        #expect(updated.photoURL == Self.stored.photoURL)
        #expect(updated.languageCode == "en")
    }

    @Test("The Login Widget never changes language, premium or allows_write_to_pm, which it does not carry")
    func widget() {
        let updated = Self.stored.updated(
            by: TelegramUser(id: 1, firstName: "Ada", lastName: "King", username: "ada_k"), proof: .widget)
        #expect(updated.languageCode == "en")
        #expect(updated.isPremium)
        #expect(updated.allowsWriteToPM)
        #expect(updated.lastName == "King")
        #expect(updated.username == "ada_k")
        #expect(updated.photoURL == Self.stored.photoURL)
        #expect(Self.stored.updated(by: TelegramUser(id: 1, firstName: "Ada"), proof: .widget).username == nil)
    }

    @Test("Telegram OIDC: a full name equal to the stored names keeps them; another one replaces them")
    func oidcFullName() {
        let same = Self.stored.updated(
            by: TelegramUser(id: 1, firstName: "Ada Lovelace", username: "ada"), proof: .telegramOIDC)
        #expect(same == Self.stored)

        let renamed = Self.stored.updated(
            by: TelegramUser(id: 1, firstName: "Augusta Ada King", username: "ada"), proof: .telegramOIDC)
        #expect(renamed.firstName == "Augusta Ada King")
        #expect(renamed.lastName == nil)
        #expect(renamed.languageCode == "en" && renamed.isPremium && renamed.allowsWriteToPM)

        let split = Self.stored.updated(
            by: TelegramUser(id: 1, firstName: "Ada", lastName: "King", username: "ada"), proof: .telegramOIDC)
        #expect(split.firstName == "Ada" && split.lastName == "King")
    }

    @Test("A first proof stores what it says and nothing for what it does not carry")
    func firstProof() {
        let user = TelegramUser(id: 1, firstName: "Ada", username: "", photoURL: "https://t.me/i/userpic/320/ada.jpg")
        #expect(UserProfile(user, proof: .widget) == UserProfile(firstName: "Ada", photoURL: "https://t.me/i/userpic/320/ada.jpg"))
    }
}
