import ClerkProvider
import ClerkSimulator
import LogtoProvider
import LogtoSimulator
import OIDCProvider
import ProviderKit
import SimulatorKit

/// The providers built into this binary: each one's adapter kind and, where `telegate simulate` serves one, its
/// simulator. Adding a provider adds its folder under `Providers/`, one entry in `Package.swift`, and its imports
/// and one entry here.
public enum BuiltinProviders {
    /// One built-in provider.
    private struct Provider {
        let adapter: any ProviderAdapter.Type
        var simulator: (any ProviderSimulator.Type)? = nil
    }

    private static let all: [Provider] = [
        Provider(adapter: OIDCAdapter.self),
        Provider(adapter: ClerkAdapter.self, simulator: ClerkSimulator.self),
        Provider(adapter: LogtoAdapter.self, simulator: LogtoSimulator.self),
    ]

    /// The adapter kinds.
    public static let registry = AdapterRegistry(all.map(\.adapter))

    /// The simulators `telegate simulate` can run, in registry order.
    public static let simulators: [any ProviderSimulator.Type] = all.compactMap(\.simulator)
}
