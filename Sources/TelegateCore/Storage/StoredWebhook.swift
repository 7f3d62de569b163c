/// A webhook endpoint of an app as stored: a configuration row like an OAuth client (the file, the admin API and
/// the CLI all end in it), with its secret only sealed.
public struct StoredWebhook: Sendable, Equatable {
    public var id: WebhookID
    /// Where deliveries are posted: `https`, or `http` to a loopback host with ``allowInsecureLoopback``.
    public var url: String
    /// The event types it receives, sorted.
    public var events: [EventType]
    public var description: String?
    /// Whether `http` to a loopback host is allowed (development).
    public var allowInsecureLoopback: Bool
    /// Whether hosts in private networks are allowed.
    public var allowPrivateNetworks: Bool
    /// The signing secret.
    public var secret: SealedWebhookSecret
    /// The secret before the last rotation, which still signs until it expires.
    public var previousSecret: PreviousWebhookSecret?
    /// When and why deliveries to it stopped (an endpoint answering `410 Gone`); `nil` while it receives events.
    /// Applying configuration never changes it.
    public var disabled: WebhookDisabling?

    /// Creates a stored endpoint.
    public init(
        id: WebhookID, url: String, events: [EventType], description: String? = nil, allowInsecureLoopback: Bool = false,
        allowPrivateNetworks: Bool = false, secret: SealedWebhookSecret, previousSecret: PreviousWebhookSecret? = nil,
        disabled: WebhookDisabling? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.allowInsecureLoopback = allowInsecureLoopback
        self.allowPrivateNetworks = allowPrivateNetworks
        self.secret = secret
        self.previousSecret = previousSecret
        self.disabled = disabled
    }
}

/// A webhook signing secret (`whsec_…`) as stored: sealed (``SecretBox``, context ``sealingContext(appID:webhook:)``),
/// the reference it was read from when it was configured as one (for export; `nil` for a generated secret), and a
/// keyed fingerprint so a change of value is a change of row.
public struct SealedWebhookSecret: Sendable, Equatable {
    /// The ``SecretBox`` context the secrets of endpoint `webhook` of `appID` are sealed under (the current one and
    /// the previous one alike).
    public static func sealingContext(appID: AppID, webhook: WebhookID) -> String {
        "webhook-secret:\(appID.rawValue)/\(webhook.rawValue)"
    }

    public var reference: String?
    public var sealed: String
    /// ``SecretBox/fingerprint(of:)`` of the value.
    public var fingerprint: String

    /// Creates the record.
    public init(reference: String?, sealed: String, fingerprint: String) {
        self.reference = reference
        self.sealed = sealed
        self.fingerprint = fingerprint
    }
}

/// The secret an endpoint had before a rotation: it keeps signing (next to the new one) until `expiresAt`.
public struct PreviousWebhookSecret: Sendable, Equatable {
    /// How long a rotated-out secret keeps signing: 24 hours.
    public static let overlap: Int64 = 24 * 60 * 60

    public var sealed: String
    /// Unix seconds.
    public var expiresAt: Int64

    /// Creates the record.
    public init(sealed: String, expiresAt: Int64) {
        self.sealed = sealed
        self.expiresAt = expiresAt
    }
}

/// Why an endpoint receives nothing any more.
public struct WebhookDisabling: Sendable, Equatable {
    /// Unix seconds.
    public var at: Int64
    /// `gone` for an endpoint that answered `410`.
    public var reason: String

    /// Creates the record.
    public init(at: Int64, reason: String) {
        self.at = at
        self.reason = reason
    }
}
