import Foundation
import StrictJSON
import Synchronization
import ProviderKit
import TelegateCore
import TelegateRuntime

/// What a ``FakeAdapter`` answers and what it was asked: a test configures a provider, names it in the adapter's
/// `config` (``adapterConfig``), and reads the calls back after its exchanges.
public final class FakeProvider: Sendable {
    /// One `issue` call.
    public struct Call: Sendable {
        /// The local user (with the Telegram user's id).
        public let user: UserRecord
        /// Whether the exchange created the user.
        public let created: Bool
        /// The exchange's options.
        public let options: IssueOptions
    }

    /// What the adapter does when asked for a credential.
    public enum Answer: Sendable {
        /// Hands out a credential of `type`: the local user's id (`user`), then `members`.
        case credential(type: String, members: [(key: String, value: JSONValue)])
        /// Throws `error` (a `TelegateError` is rendered as problem+json).
        case failure(any Error & Sendable)
    }

    /// Its name in the adapter's configuration.
    public let id: String
    private let state: Mutex<(answer: Answer, health: AdapterHealth, calls: [Call])>
    private static let registered = Mutex<[String: FakeProvider]>([:])

    /// A provider answering `answer` (by default a `fake` credential naming the user) and `health` to checks.
    /// It stays reachable by adapters until ``unregister()``.
    public init(
        answer: Answer = .credential(type: "fake", members: []), health: AdapterHealth = AdapterHealth(ok: true, message: "fake")
    ) {
        id = UUID().uuidString
        state = Mutex((answer, health, []))
        Self.registered.withLock { $0[id] = self }
    }

    /// The `config` members of an adapter that calls this provider.
    public var adapterConfig: [(key: String, value: JSONValue)] { [("provider", .string(id))] }

    /// Changes the answer to later calls.
    public func answer(_ answer: Answer) { state.withLock { $0.answer = answer } }

    /// Every `issue` call so far, oldest first.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// Makes the provider unknown to adapters built later.
    public func unregister() { _ = Self.registered.withLock { $0.removeValue(forKey: id) } }

    static func named(_ id: String) -> FakeProvider? { registered.withLock { $0[id] } }

    func issue(for subject: Subject, options: IssueOptions) throws -> Credential {
        let answer = state.withLock { state in
            state.calls.append(
                Call(user: subject.user, created: subject.created, options: options))
            return state.answer
        }
        switch answer {
        case .credential(let type, let members):
            return Credential(type: type, members: [("user", .string(subject.user.id.description))] + members)
        case .failure(let error):
            throw error
        }
    }

    var health: AdapterHealth { state.withLock { $0.health } }
}
