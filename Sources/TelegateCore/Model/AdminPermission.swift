/// A narrow right an app-scoped admin token may carry instead of the admin API's ordinary rights: a token with
/// permissions may call exactly the routes of those permissions and nothing else.
public enum AdminPermission: String, Sendable, CaseIterable, Comparable {
    /// Send bot messages to the app's users and read their status (`/apps/{app}/…/messages`), so an app's backend can
    /// notify users without full admin rights.
    case messagesSend = "messages:send"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
