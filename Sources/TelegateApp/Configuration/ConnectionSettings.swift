import TelegateServer

extension ConfigurationFile {
    /// `server.connections`: client connection timeouts (whole seconds) and limits, each within a safe range.
    enum ConnectionSettings {
        static let keys: Set<String> = [
            "headerTimeout", "bodyTimeout", "minBodyRate", "bodyRateGracePeriod", "idleTimeout", "max", "maxPerAddress",
        ]

        static func limits(_ object: Object) throws -> ConnectionLimits {
            var limits = ConnectionLimits()
            // At most 30 s: a request whose headers take longer is dropped, whatever the file says.
            if let seconds = try integer(object, "headerTimeout", in: 1...30, unit: "seconds") {
                limits.headerTimeout = .seconds(seconds)
            }
            if let seconds = try integer(object, "bodyTimeout", in: 1...300, unit: "seconds") {
                limits.bodyTimeout = .seconds(seconds)
            }
            if let rate = try integer(object, "minBodyRate", in: 0...1_048_576, unit: "bytes per second") {
                limits.minimumBodyRate = rate
            }
            if let seconds = try integer(object, "bodyRateGracePeriod", in: 1...60, unit: "seconds") {
                limits.bodyRateGracePeriod = .seconds(seconds)
            }
            if let seconds = try integer(object, "idleTimeout", in: 1...3600, unit: "seconds") {
                limits.idleTimeout = .seconds(seconds)
            }
            if let count = try integer(object, "max", in: 1...1_000_000, unit: "connections") {
                limits.maxConnections = count
            }
            if let count = try integer(object, "maxPerAddress", in: 1...1_000_000, unit: "connections") {
                limits.maxConnectionsPerAddress = count
            }
            guard limits.maxConnectionsPerAddress <= limits.maxConnections else {
                throw ConfigurationError(
                    "server.connections.maxPerAddress (\(limits.maxConnectionsPerAddress)) must not exceed server.connections.max (\(limits.maxConnections))")
            }
            return limits
        }

        private static func integer(_ object: Object, _ key: String, in range: ClosedRange<Int>, unit: String) throws -> Int? {
            guard let value = try object.integer(key) else { return nil }
            guard value >= range.lowerBound, value <= range.upperBound else {
                throw ConfigurationError(
                    "server.connections.\(key) must be \(range.lowerBound)…\(range.upperBound) \(unit), not \(value)")
            }
            return Int(value)
        }
    }
}
