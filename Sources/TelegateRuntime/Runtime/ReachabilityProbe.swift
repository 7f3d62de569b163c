import ProviderKit

/// Resolves and checks the URLs of every adapter and records the verdicts in ``AdapterReachability``: at start,
/// so an adapter whose provider cannot be reached is named at once (a warning in the log, `/readyz`, `/metrics`)
/// without holding the start up, and then periodically, so the state follows DNS and the checked answers the calls
/// connect to stay warm. Only names are resolved; no request is sent to a provider.
public enum ReachabilityProbe {
    /// Checks every adapter of the apps in `runtimes` once; adapters no longer configured are forgotten.
    public static func probe(_ runtimes: RuntimeRegistry, services: TelegateServices) async {
        let client = services.httpClient
        let reachability = services.reachability
        var probed = Set<AdapterReachability.Key>()
        await withTaskGroup(of: Void.self) { group in
            for appID in runtimes.appIDs {
                guard let runtime = runtimes.app(appID) else { continue }
                for (name, outbound) in runtime.outbound {
                    let key = AdapterReachability.Key(app: appID, adapter: name)
                    probed.insert(key)
                    group.addTask {
                        var verdicts: [OutboundDestination] = []
                        for url in outbound.urls { verdicts.append(await client.destination(of: url, policy: outbound.policy)) }
                        reachability.record(resolved: Self.worst(verdicts), for: key)
                    }
                }
            }
        }
        reachability.retain(probed)
    }

    /// A refusal over a host that does not resolve over an allowed answer.
    private static func worst(_ verdicts: [OutboundDestination]) -> OutboundDestination {
        verdicts.first { if case .refused = $0 { true } else { false } }
            ?? verdicts.first { if case .unresolvable = $0 { true } else { false } }
            ?? verdicts.first!
    }
}
