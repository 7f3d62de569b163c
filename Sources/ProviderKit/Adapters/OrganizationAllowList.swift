import TelegateCore

/// The organizations an adapter lets an exchange name: exact ids, and prefix patterns ending in `*`
/// (`org_acme_*`). An empty list allows none. A name is matched byte for byte; it is never passed to the provider
/// unless the list allows it.
public struct OrganizationAllowList: Sendable, Equatable {
    private let exact: Set<String>
    private let prefixes: [String]

    /// Reads the configured entries of the adapter key `key`; an entry is an id or a non-empty prefix followed by
    /// one `*`. Throws `422 invalid_config` for anything else (a bare `*`, a `*` elsewhere, an empty entry).
    public init(_ entries: [String], key: String = "organizations") throws {
        var exact: Set<String> = []
        var prefixes: [String] = []
        for entry in entries {
            let stars = entry.filter { $0 == "*" }.count
            guard !entry.isEmpty, entry.utf8.count <= 128, stars == 0 || (stars == 1 && entry.hasSuffix("*") && entry.count > 1)
            else {
                throw AdapterConfigSchema.invalid(
                    "\(key) entries must be organization ids or prefixes ending in one \"*\" (such as org_acme_*); a bare \"*\" is not allowed")
            }
            if stars == 1 { prefixes.append(String(entry.dropLast())) } else { exact.insert(entry) }
        }
        self.exact = exact
        self.prefixes = prefixes
    }

    /// Whether the list allows `organization`.
    public func allows(_ organization: String) -> Bool {
        exact.contains(organization) || prefixes.contains { organization.hasPrefix($0) }
    }

    /// Checks an exchange's organization: `nil` passes; one the list does not allow is `403 organization_not_allowed`.
    public func check(_ organization: String?) throws {
        guard let organization, !allows(organization) else { return }
        throw TelegateError(
            .organizationNotAllowed, "this provider is not configured to issue credentials for that organization")
    }
}
