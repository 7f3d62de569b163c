import SimulatorKit

extension LogtoSimulatorConfiguration {
    /// What a `logto` adapter needs to work against this tenant: the Management API resource, the machine-to-machine
    /// app with Management API access, the token-exchange apps (confidential and public) and the first API resource.
    public var adapterCredentials: [SimulatorCredential] {
        var credentials = [SimulatorCredential("managementResource", managementResource)]
        if let m2m = applications.first(where: { $0.kind == .machineToMachine && $0.managementAccess }) {
            credentials.append(SimulatorCredential("m2mClientId", m2m.id, note: "machine-to-machine app, Management API access"))
            if let secret = m2m.secret { credentials.append(SimulatorCredential("m2mClientSecret", secret)) }
        }
        if let exchange = applications.first(where: { $0.kind == .traditional && $0.allowTokenExchange }) {
            credentials.append(SimulatorCredential("exchangeClientId", exchange.id, note: "confidential app, token exchange on"))
            if let secret = exchange.secret { credentials.append(SimulatorCredential("exchangeClientSecret", secret)) }
        }
        if let spa = applications.first(where: { $0.kind == .singlePage && $0.allowTokenExchange }) {
            credentials.append(
                SimulatorCredential("exchangeClientId", spa.id, note: "public app, no secret (mode: subjectToken)"))
        }
        if let resource = resources.first {
            credentials.append(
                SimulatorCredential("resource", resource.indicator, note: "scopes " + resource.scopes.joined(separator: " ")))
        }
        return credentials
    }
}
