import Foundation
import StrictJSON

/// A webhook endpoint of an app, as configured: where events go, which ones, and where its signing secret is kept
/// (none: Telegate generates one, shown once). The secret itself is never part of a spec. A spec is read from the
/// file or the admin API (``SpecFormat``); the file names it by its `url`, the admin API by the id Telegate assigns.
///
/// Spelled the same in the file and the admin API: `{url, secret, events, description, allowInsecureLoopback,
/// allowPrivateNetworks}` (the admin API says `secretReference` for `secret`).
public struct WebhookSpec: Sendable, Equatable {
    /// The longest description kept.
    public static let maxDescriptionLength = 200

    /// `https`; `http` only to a loopback host with ``allowInsecureLoopback``. No credentials, no fragment.
    public var url: String
    /// Where the `whsec_…` secret is kept (`env:…`, `file:…`); `nil` for a secret Telegate generated.
    public var secret: SecretReference?
    /// The event types delivered, each once (``EventType/subscribable``).
    public var events: [EventType]
    public var description: String?
    /// Whether `http` to a loopback host is allowed (development).
    public var allowInsecureLoopback: Bool = false
    /// Whether hosts in private networks (and loopback, over https) are allowed.
    public var allowPrivateNetworks: Bool = false

    /// Creates a spec.
    public init(
        url: String, secret: SecretReference? = nil, events: [EventType], description: String? = nil,
        allowInsecureLoopback: Bool = false, allowPrivateNetworks: Bool = false
    ) {
        self.url = url
        self.secret = secret
        self.events = events
        self.description = description
        self.allowInsecureLoopback = allowInsecureLoopback
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// Checks the rules a spec holds on its own (the addresses its host resolves to are checked where the
    /// outbound policy lives); a refusal is `422 invalid_field`, or `422 unsafe_url` for the URL.
    public func validate() throws(TelegateError) {
        guard !events.isEmpty else { throw .invalidSpec("events must list at least one event type") }
        if let test = events.first(where: { !EventType.subscribable.contains($0) }) {
            throw .invalidSpec("\(test.rawValue) is sent on request, not subscribed to")
        }
        guard Set(events).count == events.count else { throw .invalidSpec("events lists an event type twice") }
        if let description, description.count > Self.maxDescriptionLength {
            throw .invalidSpec("description must be at most \(Self.maxDescriptionLength) characters")
        }
        try OutboundURLShape.check(url, member: "url", allowInsecureLoopback: allowInsecureLoopback)
    }
}

extension WebhookSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, secret, events, description, allowInsecureLoopback, allowPrivateNetworks
    }

    public init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: CodingKeys.self)
        let names = EventType.subscribable.map(\.rawValue).joined(separator: ", ")
        self.init(
            url: try members.decode(String.self, forKey: .url),
            secret: try members.decodeIfPresent(String.self, forKey: .secret).map { try SecretReference($0) },
            events: try members.decode([String].self, forKey: .events).map {
                try members.converted($0, at: .events, EventType.init(rawValue:), rule: "must list only \(names)")
            },
            description: try members.decodeIfPresent(String.self, forKey: .description),
            allowInsecureLoopback: try members.decodeIfPresent(Bool.self, forKey: .allowInsecureLoopback) ?? false,
            allowPrivateNetworks: try members.decodeIfPresent(Bool.self, forKey: .allowPrivateNetworks) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var members = encoder.container(keyedBy: CodingKeys.self)
        try members.encode(url, forKey: .url)
        try members.encodeIfPresent(secret?.description, forKey: .secret)
        try members.encode(events.map(\.rawValue), forKey: .events)
        try members.encodeIfPresent(description, forKey: .description)
        if allowInsecureLoopback { try members.encode(true, forKey: .allowInsecureLoopback) }
        if allowPrivateNetworks { try members.encode(true, forKey: .allowPrivateNetworks) }
    }
}

extension StoredWebhook {
    /// The spec this endpoint was configured with (its secret as its reference, none for a generated one).
    public var spec: WebhookSpec {
        WebhookSpec(
            url: url, secret: secret.reference.flatMap { try? SecretReference($0) }, events: events,
            description: description, allowInsecureLoopback: allowInsecureLoopback,
            allowPrivateNetworks: allowPrivateNetworks)
    }
}
