import TelegateCore

/// An identity provider Telegate issues credentials for. One per folder under `Providers/`.
///
/// An adapter is built from its validated configuration and a context of shared services, then asked to issue a
/// credential for each verified subject. Adapters never open their own connection pools, read the environment or
/// log secrets; everything comes through ``AdapterContext``.
public protocol ProviderAdapter: Sendable {
    /// The kind name used in configuration (`oidc`, `clerk`, `logto`).
    static var kind: String { get }
    /// The configuration this kind accepts.
    static var configSchema: AdapterConfigSchema { get }
    /// Builds the adapter; throws `invalid_config` (422) when the configuration cannot work.
    init(config: AdapterConfig, context: AdapterContext) throws
    /// Whether exchanges may name an organization (``IssueOptions/organization``); when `false` (the default),
    /// an exchange that names one is refused before the adapter is called.
    static var supportsOrganizations: Bool { get }
    /// Whether what the adapter issues binds the exchange's nonce (``IssueOptions/nonce``); when `false` (the
    /// default), an exchange that sends a nonce with a proof other than `idToken` is refused before the adapter is
    /// called.
    static var usesNonce: Bool { get }
    /// The error codes this kind declares beyond the core's (``TelegateError/Code/catalogue``); none by default.
    static var errorCodes: [TelegateError.Code] { get }
    /// Issues a credential for `subject`.
    func issue(for subject: Subject, options: IssueOptions) async throws -> Credential
    /// Checks that the adapter can reach and authenticate to its provider ("test connection").
    func check() async -> AdapterHealth
}

extension ProviderAdapter {
    public static var supportsOrganizations: Bool { false }
    public static var usesNonce: Bool { false }
    public static var errorCodes: [TelegateError.Code] { [] }
}

/// An adapter whose credentials include rotating refresh tokens answers the refresh grant.
public protocol RefreshGrantAdapter: ProviderAdapter {
    /// New tokens for `user`, who holds the already rotated `refreshToken` of `family`.
    func refreshed(user: UserRecord, family: RefreshFamily, refreshToken: String, refreshExpiresAt: Int64) async throws
        -> TokenResponse
    /// The lifetime of each refresh token this adapter issues, in seconds.
    var refreshTokenTTL: Int64 { get }
}

/// An adapter that signs tokens with the app's key ring.
public protocol SigningAdapter: ProviderAdapter {
    /// The algorithm it signs with.
    var signingAlgorithm: SigningAlgorithm { get }
    /// The longest lifetime of a token it signs, in seconds: retired keys stay published this long.
    var longestTokenLifetime: Int64 { get }
}
