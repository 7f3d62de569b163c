import ArgumentParser
import TelegramAuth

/// The user and date every signed test proof has: the fields Mini App initData and Login Widget data share.
struct SampleUserOptions: ParsableArguments {
    @Option(help: "The Telegram user id.") var userId: Int64
    @Option(help: "first_name.") var firstName = "Test"
    @Option(help: "last_name.") var lastName: String?
    @Option(help: "username, without @.") var username: String?
    @Option(help: "photo_url (.jpeg or .svg).") var photoUrl: String?
    @Option(help: "auth_date (Unix seconds); now when omitted.") var authDate: Int64?

    func validate() throws {
        guard userId >= 1, userId <= TelegramUser.maximumID else {
            throw ValidationError("--user-id must be between 1 and \(TelegramUser.maximumID)")
        }
    }

    /// The user these options describe.
    var telegramUser: TelegramUser {
        TelegramUser(id: userId, firstName: firstName, lastName: lastName, username: username, photoURL: photoUrl)
    }
}
