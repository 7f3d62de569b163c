import ClerkProvider
import LogtoProvider
import OIDCProvider
import ProviderKit
import TelegateCore

/// The adapter kinds built into this binary. Adding a provider adds its folder under `Providers/` and one line
/// here.
public enum BuiltinProviders {
    public static let registry = AdapterRegistry([
        OIDCAdapter.self,
        ClerkAdapter.self,
        LogtoAdapter.self,
    ])
}
