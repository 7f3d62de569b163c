import ClerkProvider
import ClerkSimulator
import FirebaseProvider
import FirebaseSimulator
import LogtoProvider
import LogtoSimulator
import OIDCProvider
import ProviderKit
import SimulatorKit
import SupabaseProvider
import SupabaseSimulator
import TelegramSimulator

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
        Provider(adapter: FirebaseAdapter.self, simulator: FirebaseSimulator.self),
        Provider(adapter: SupabaseAdapter.self, simulator: SupabaseSimulator.self),
    ]

    /// The adapter kinds.
    public static let registry = AdapterRegistry(all.map(\.adapter))

    /// Simulators of services Telegate reaches without an adapter: Telegram Login's OpenID Provider and the Bot API.
    private static let services: [any ProviderSimulator.Type] = [TelegramSimulator.self, TelegramBotSimulator.self]

    /// The simulators `telegate simulate` can run: the providers' in registry order, then the services'.
    public static let simulators: [any ProviderSimulator.Type] = all.compactMap(\.simulator) + services
}
