/// How a simulated Firebase project is set up: its ids, its Web API key, and the service accounts Google knows —
/// the project's own, and others' (a custom token signed by another project's account is `CREDENTIAL_MISMATCH`).
public struct FirebaseProjectSettings: Sendable {
    public var projectID: String
    /// The project number, which the secure-token API reports as `project_id`.
    public var projectNumber: String
    /// The Web API key every request carries as `?key=`.
    public var apiKey: String
    /// The project's service account, whose key JSON the adapter is configured with.
    public var serviceAccount: FirebaseSimulatedServiceAccount
    /// Service accounts of other projects Google also knows.
    public var otherServiceAccounts: [FirebaseSimulatedServiceAccount]
    /// The Identity Platform tenants that exist in the project.
    public var tenants: Set<String>

    /// A project `projectID` with a new service account; `otherProjects` get one account each.
    public init(
        projectID: String = "telegate-sim", apiKey: String = "AIzaSyTelegateSimulatorWebApiKey0000000",
        otherProjects: [String] = ["another-project"], tenants: Set<String> = []
    ) throws {
        self.projectID = projectID
        self.projectNumber = FirebaseRandom.digits(length: 12)
        self.apiKey = apiKey
        self.serviceAccount = try FirebaseSimulatedServiceAccount(projectID: projectID)
        self.otherServiceAccounts = try otherProjects.map { try FirebaseSimulatedServiceAccount(projectID: $0) }
        self.tenants = tenants
    }

    /// Every service account Google knows, by email.
    func account(email: String) -> FirebaseSimulatedServiceAccount? {
        ([serviceAccount] + otherServiceAccounts).first { $0.email == email }
    }
}
