import TelegateServer

extension ConfigurationFile {
    /// `server.connections`: client connection timeouts (whole seconds) and limits, each within a safe range.
    enum ConnectionSettings {
        /// One setting: its key, the range its value must be in, the unit named when it is not, and where it goes.
        private struct Setting: Sendable {
            let key: String
            let range: ClosedRange<Int>
            let unit: String
            let apply: @Sendable (inout ConnectionLimits, Int) -> Void

            static func seconds(
                _ key: String, _ range: ClosedRange<Int>,
                _ apply: @escaping @Sendable (inout ConnectionLimits, Duration) -> Void
            ) -> Setting {
                Setting(key: key, range: range, unit: "seconds") { apply(&$0, .seconds($1)) }
            }

            static func count(_ key: String, _ apply: @escaping @Sendable (inout ConnectionLimits, Int) -> Void) -> Setting {
                Setting(key: key, range: 1...1_000_000, unit: "connections", apply: apply)
            }
        }

        /// The settings, in the order they are checked.
        private static let settings: [Setting] = [
            // At most 30 s: a request whose headers take longer is dropped, whatever the file says.
            .seconds("headerTimeout", 1...30) { $0.headerTimeout = $1 },
            .seconds("bodyTimeout", 1...300) { $0.bodyTimeout = $1 },
            Setting(key: "minBodyRate", range: 0...1_048_576, unit: "bytes per second") { $0.minimumBodyRate = $1 },
            .seconds("bodyRateGracePeriod", 1...60) { $0.bodyRateGracePeriod = $1 },
            .seconds("idleTimeout", 1...3600) { $0.idleTimeout = $1 },
            .count("max") { $0.maxConnections = $1 },
            .count("maxPerAddress") { $0.maxConnectionsPerAddress = $1 },
        ]

        static let keys = Set(settings.map(\.key))

        static func limits(_ object: Object) throws -> ConnectionLimits {
            var limits = ConnectionLimits()
            for setting in settings {
                if let value = try integer(object, setting.key, in: setting.range, unit: setting.unit) {
                    setting.apply(&limits, value)
                }
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
