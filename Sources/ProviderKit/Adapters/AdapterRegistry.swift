import TelegateCore

/// The adapter kinds this build knows, by kind name. Adding a provider adds one entry.
public struct AdapterRegistry: Sendable {
    private let types: [String: any ProviderAdapter.Type]

    /// A registry of `types`; kind names must be unique.
    public init(_ types: [any ProviderAdapter.Type]) {
        self.types = Dictionary(types.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The adapter type for `kind`.
    public func type(for kind: String) -> (any ProviderAdapter.Type)? { types[kind] }

    /// Every kind name, sorted.
    public var kinds: [String] { types.keys.sorted() }

    /// The error codes the kinds declare beyond the core's, in kind order.
    public var errorCodes: [TelegateError.Code] { kinds.flatMap { types[$0]?.errorCodes ?? [] } }
}
