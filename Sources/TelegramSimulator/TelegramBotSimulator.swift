import Hummingbird
import NIOCore
import SimulatorKit
import StrictJSON

/// A stand-in for the Telegram Bot API (`api.telegram.org`) for the calls Telegate makes: `getMe` and
/// `sendMessage` at `/bot<token>/<method>` (GET or POST; query, form or JSON parameters), answering
/// `{"ok":true,"result":…}` or Telegram's errors: `404 Not Found` for another path or method, `401 Unauthorized`
/// for an unknown token, `400` for a bad text, entities, reply markup or chat, `403` for a user who blocked the
/// bot or never started it, and `429` with `retry_after` beyond the per-bot and per-chat limits.
///
/// Every call is counted per operation (`getMe`, `sendMessage`) and can be faulted (``SimulatorControl``). The
/// control routes under `/_simulator/telegram-bot/` configure bots and chats, set the limits, end the rate windows,
/// and read what each chat received (``addBotRoutes(to:)``).
public struct TelegramBotSimulator: ProviderSimulator {
    public static let kind = "telegram-bot"
    public static let summary = "the Telegram Bot API: getMe, sendMessage with Telegram's validation and rate limits"

    public let control: SimulatorControl
    /// The Bot API's state, for tests.
    public let api: TelegramBotAPI

    /// The development bot and chats (``TelegramBotSimulatorConfiguration/development``).
    public init() {
        self.init(configuration: .development)
    }

    /// A Bot API with `configuration`, its rate windows counted on `rateClock` (real time unless a test gives its
    /// own clock).
    public init(
        configuration: TelegramBotSimulatorConfiguration, rateClock: @escaping TelegramBotAPI.RateClock = TelegramBotAPI.realTime()
    ) {
        self.control = SimulatorControl()
        self.api = TelegramBotAPI(configuration: configuration, rateClock: rateClock)
    }

    /// The bots' tokens, as a Telegate bot configures them.
    public var acceptedCredentials: [SimulatorCredential] {
        api.bots.map { SimulatorCredential("token", $0.token, note: "bot \($0.id), @\($0.username)") }
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        control.addRoutes(to: router)
        addBotRoutes(to: router)
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/**", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                return try await call(request, body: Array(body.readableBytesView))
            }
        }
        return router
    }

    /// One Bot API call: the path names the token and the method (case-insensitive, as Telegram reads it).
    private func call(_ request: Request, body: [UInt8]) async throws -> Response {
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard segments.count == 2, let first = segments.first, first.hasPrefix("bot"),
            TelegramBotSimulatorConfiguration.Bot.id(ofToken: String(first.dropFirst(3))) != nil
        else { return BotAPIError.notFound.response }
        let token = String(first.dropFirst(3))
        let operation: String
        switch segments.last?.lowercased() {
        case "getme": operation = "getMe"
        case "sendmessage": operation = "sendMessage"
        default:
            return (api.bot(token: token) == nil ? BotAPIError.unauthorized : .notFound).response
        }
        return try await control.handle(operation) {
            do throws(BotAPIError) {
                guard let bot = api.bot(token: token) else { throw .unauthorized }
                guard
                    let parameters = BotAPIParameters(
                        query: request.uri.query, contentType: request.headers[.contentType], body: body)
                else { throw .badRequest("Can't parse request parameters") }
                let result = operation == "getMe" ? api.getMe(bot) : try api.sendMessage(bot, parameters)
                return Self.json(.object([("ok", .bool(true)), ("result", result)]))
            } catch {
                return error.response
            }
        }
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        TelegramSimulator.json(value, status: status)
    }
}
