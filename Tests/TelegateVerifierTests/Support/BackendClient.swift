import TelegateTesting

/// Requests to the app backend under test, over the rig's HTTP client.
struct BackendClient {
    let client: TelegateClient

    init(_ rig: VerifierRig, port: Int) {
        client = TelegateClient(client: rig.client, baseURL: "http://127.0.0.1:\(port)")
    }

    /// `GET path`, with `Authorization: <scheme> <bearer>` when `bearer` is given.
    func get(_ path: String, bearer: String?, scheme: String = "Bearer") async throws -> HTTPReply {
        try await client.request(.get, path, headers: bearer.map { [("Authorization", "\(scheme) \($0)")] } ?? [])
    }
}
