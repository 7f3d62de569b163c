import AsyncHTTPClient
import Logging
import NIOCore
import ProviderKit
import StrictJSON
import TelegateCore
import TelegramAuth

/// Sends the queued bot messages, on every instance: claims due messages from the shared ``BotMessageQueue`` (each
/// goes to exactly one instance), keeps Telegram's flood limits (``BotSendLimiter``: ≈30 per second per bot, 1 per
/// second per chat; a message over them waits for the next second), calls the bot's `sendMessage` through the
/// outbound client under the bot's Bot API URL policy, and records the answer:
/// - `ok` → sent;
/// - `429` → due again after Telegram's `retry_after`;
/// - `403` (the user blocked the bot, or never started it) and `400 chat not found` → failed, the user marked
///   unreachable and `message.failed` appended in the same transaction, never retried;
/// - another `400` → failed (`rejected`);
/// - anything else (5xx, timeouts, connection failures) → retried on ``Settings/schedule``, then failed.
///
/// Neither the bot token (it is part of the Bot API URL) nor the message text is ever logged or recorded.
public final class MessageSender: Sendable {
    /// How the sender works; the defaults are production's.
    public struct Settings: Sendable {
        /// How often the queue is checked when nothing nudges.
        public var pollInterval: Duration = .seconds(1)
        /// The deadline of one request, connection included.
        public var requestTimeout: Duration = .seconds(10)
        /// How long a claim holds before another instance may take the message over; longer than ``requestTimeout``.
        public var lease: Int64 = 60
        /// Messages claimed at once.
        public var batchSize = 64
        /// Messages per second from one bot, and to one chat.
        public var perBot = 30
        public var perChat = 1
        /// The backoff after failures other than rate limits and refusals: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h.
        public var schedule = WebhookRetrySchedule(steps: [5, 30, 120, 600, 1_800, 3_600])

        /// The defaults.
        public init() {}
    }

    private let queue: any BotMessageQueue
    private let client: OutboundHTTPClient
    private let secretBox: SecretBox
    private let clock: WallClock
    private let metrics: MessageMetrics
    private let wakeup: WebhookWakeup
    private let logger: Logger
    private let settings: Settings
    private let limiter: BotSendLimiter

    /// A sender over `queue` that counts its attempts in `metrics`; `wakeup` is nudged by whatever queues messages in
    /// this process.
    public init(
        queue: any BotMessageQueue, client: OutboundHTTPClient, secretBox: SecretBox, clock: WallClock,
        metrics: MessageMetrics, wakeup: WebhookWakeup, logger: Logger, settings: Settings = Settings()
    ) {
        self.queue = queue
        self.client = client
        self.secretBox = secretBox
        self.clock = clock
        self.metrics = metrics
        self.wakeup = wakeup
        self.logger = logger
        self.settings = settings
        self.limiter = BotSendLimiter(perBot: settings.perBot, perChat: settings.perChat)
    }

    /// Sends what is due at start, at every wake-up and at every poll, until cancelled.
    public func run() async {
        await wakeup.drive(polling: settings.pollInterval) { await self.sendDue() }
    }

    /// One pass: claims what is due now and sends what the flood limits allow this second (the rest waits for the
    /// next one); returns how many messages were sent or settled. Tests drive the queue with it.
    @discardableResult
    public func sendDue() async -> Int {
        let now = clock.now
        let due: [DueBotMessage]
        do {
            due = try await queue.claim(now: now, leaseUntil: now + settings.lease, limit: settings.batchSize)
        } catch {
            logger.warning("claiming bot messages failed", metadata: ["error": "\(type(of: error))"])
            return 0
        }
        var admitted: [DueBotMessage] = []
        for message in due {
            if await limiter.admit(bot: message.botID, chat: message.chatID, now: now) {
                admitted.append(message)
            } else {
                // Over this instance's flood limit: due next second, not counted as an attempt.
                try? await queue.scheduleRetry(
                    message, attempts: message.attempts, error: "waiting for the flood limit", nextAttemptAt: now + 1)
            }
        }
        await withDiscardingTaskGroup { group in
            for message in admitted { group.addTask { await self.attempt(message) } }
        }
        return admitted.count
    }

    /// One attempt at `message`, its outcome recorded.
    private func attempt(_ message: DueBotMessage) async {
        let outcome = await post(message)
        let now = clock.now
        let attempts = message.attempts + 1
        let metadata: Logger.Metadata = [
            "app": "\(message.appID)", "message": "\(message.id)", "bot": "\(message.botID)", "attempt": "\(attempts)",
        ]
        do {
            switch outcome {
            case .sent(let telegramID):
                try await queue.markSent(message, attempts: attempts, telegramMessageID: telegramID, at: now)
                metrics.record(.sent)
            case .rateLimited(let retryAfter):
                try await queue.scheduleRetry(
                    message, attempts: attempts, error: outcome.description, nextAttemptAt: now + max(1, retryAfter))
                metrics.record(.rateLimited)
                logger.info("Telegram rate-limited a bot message; retrying after retry_after", metadata: metadata)
            case .refused(let reason, let unreachable):
                try await queue.markFailed(
                    message, attempts: attempts, error: outcome.description, reason: reason, unreachable: unreachable,
                    at: now)
                metrics.record(unreachable ? .unreachable : .failed)
                logger.info("Telegram refused a bot message", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            case .failed:
                if let delay = settings.schedule.delay(afterAttempts: attempts) {
                    try await queue.scheduleRetry(
                        message, attempts: attempts, error: outcome.description, nextAttemptAt: now + max(1, delay))
                    metrics.record(.retried)
                    logger.info("sending a bot message failed; retrying", metadata: metadata.merging(["failure": "\(outcome)"]) { $1 })
                } else {
                    try await queue.markFailed(
                        message, attempts: attempts, error: outcome.description, reason: "undeliverable", unreachable: false,
                        at: now)
                    metrics.record(.failed)
                    logger.warning("a bot message failed for good", metadata: metadata.merging(["failure": "\(outcome)"]) { $1 })
                }
            }
        } catch {
            // The claim lapses and the message is attempted again.
            logger.warning("recording a bot message failed", metadata: metadata.merging(["error": "\(type(of: error))"]) { $1 })
        }
    }

    /// Calls `sendMessage` for `message`.
    private func post(_ message: DueBotMessage) async -> Outcome {
        guard
            let token = try? secretBox.openText(
                message.sealedToken, context: RuntimeBuilder.botTokenContext(message.appID, message.botID))
        else { return .failed("the bot token could not be unsealed") }
        var parameters = message.parameters.objectMembers ?? []
        parameters.insert(("chat_id", .integer(message.chatID)), at: 0)
        var request = HTTPClientRequest(url: "\(message.api.baseURL)/bot\(token)/sendMessage")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: JSONValue.object(parameters).serializedBytes))
        let policy = OutboundURLPolicy(
            allowInsecureLoopback: message.api.allowInsecureLoopback, allowPrivateNetworks: message.api.allowPrivateNetworks)
        let response: OutboundResponse
        do {
            response = try await client.execute(
                request, policy: policy, deadline: .now() + TimeAmount(settings.requestTimeout),
                maxBodyBytes: Self.maxResponseBytes)
        } catch is TelegateError {
            return .failed("refused by the outbound URL policy")
        } catch is OutboundUnresolvable {
            return .failed("host does not resolve")
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            return .failed("timeout")
        } catch {
            return .failed("connection failed")
        }
        return Outcome(status: Int(response.status.code), body: try? JSONValue.parse(Array(buffer: response.body)))
    }

    /// The most of Telegram's answer that is read.
    static let maxResponseBytes = 64 * 1024

    /// What one attempt came to; its description is the message's recorded error (Telegram's own words at most,
    /// never the token or the text).
    enum Outcome: CustomStringConvertible {
        case sent(Int64?)
        case rateLimited(retryAfter: Int64)
        case refused(reason: String, unreachable: Bool)
        case failed(String)

        /// Telegram's answer: `status` and its `{ok, result, error_code, description, parameters}` body.
        init(status: Int, body: JSONValue?) {
            let description = body?["description"]?.stringValue?.lowercased() ?? ""
            switch status {
            case 200..<300 where body?["ok"] == .bool(true):
                self = .sent(body?["result"]?["message_id"]?.integerValue)
            case 429:
                self = .rateLimited(retryAfter: body?["parameters"]?["retry_after"]?.integerValue ?? 1)
            case 403:
                self = .refused(reason: description.contains("blocked") ? "blocked" : "never_started", unreachable: true)
            case 400 where description.contains("chat not found"):
                self = .refused(reason: "chat_not_found", unreachable: true)
            case 400:
                self = .refused(reason: "rejected", unreachable: false)
            default:
                self = .failed("status \(status)")
            }
        }

        var description: String {
            switch self {
            case .sent: "sent"
            case .rateLimited(let seconds): "status 429, retry after \(seconds) s"
            case .refused(let reason, _): "refused by Telegram: \(reason)"
            case .failed(let reason): reason
            }
        }
    }
}
