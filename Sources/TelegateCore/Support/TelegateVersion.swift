/// The release of this Telegate server. The browser SDK's package (`Sources/TelegateServer/SDK/package/package.json`)
/// carries the same version, and the server serves that SDK under `/sdk/<version>/`.
public enum TelegateVersion {
    /// The version, `major.minor.patch`.
    public static let current = "0.17.0"
}
