import ProviderKit
import TelegateCore

/// An adapter kind (`fake`) for tests of the exchange and the routes: it calls no provider, but hands each
/// `issue` to the ``FakeProvider`` its `config.provider` names, which records it and answers as configured.
/// Add it to a registry (`AdapterRegistry([OIDCAdapter.self, FakeAdapter.self])`) to configure it.
public struct FakeAdapter: ProviderAdapter {
    public static let kind = "fake"
    public static let configSchema = AdapterConfigSchema([
        .init("provider", .string, required: true, description: "The id of the FakeProvider that answers.")
    ])
    public static var supportsOrganizations: Bool { true }

    private let provider: FakeProvider

    /// Finds the provider `config.provider` names; throws `invalid_config` when none is registered under it.
    public init(config: AdapterConfig, context: AdapterContext) throws {
        guard let provider = config.string("provider").flatMap(FakeProvider.named) else {
            throw TelegateError(.invalidConfig, "provider names no registered FakeProvider")
        }
        self.provider = provider
    }

    public func issue(for subject: Subject, options: IssueOptions) async throws -> Credential {
        try provider.issue(for: subject, options: options)
    }

    public func check() async -> AdapterHealth { provider.health }
}
