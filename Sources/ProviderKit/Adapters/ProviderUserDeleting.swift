/// An adapter that can delete the user it created at its provider, for erasing a user completely.
public protocol ProviderUserDeleting: ProviderAdapter {
    /// Deletes the provider user `externalID`; a user that no longer exists counts as deleted.
    func deleteProviderUser(externalID: String) async throws
}
