/// The Prometheus text of a durable queue Telegate works off (webhook deliveries, bot messages), in one style: a
/// counter of attempts by result, then the shared queue's depth and the age of its oldest waiting row as gauges.
enum QueueMetricsText {
    /// A metric's name and its `# HELP` text.
    struct Metric {
        let name: String
        let help: String
    }

    /// `counter{result}` for each of `results` (in order, 0 when not counted), then `depth` and `oldest` (seconds
    /// from `oldestCreatedAt` to `now`, 0 when nothing waits); the gauges are left out when `waiting` is `nil` (the
    /// queue could not be read).
    static func render(
        counter: Metric, results: [(label: String, count: Int)], depth: Metric, oldest: Metric, waiting: Int?,
        oldestCreatedAt: Int64?, now: Int64
    ) -> String {
        var lines = ["# HELP \(counter.name) \(counter.help)", "# TYPE \(counter.name) counter"]
        for result in results {
            lines.append("\(counter.name){result=\"\(result.label)\"} \(result.count)")
        }
        guard let waiting else { return lines.joined(separator: "\n") + "\n" }
        lines += [
            "# HELP \(depth.name) \(depth.help)", "# TYPE \(depth.name) gauge", "\(depth.name) \(waiting)",
            "# HELP \(oldest.name) \(oldest.help)", "# TYPE \(oldest.name) gauge",
            "\(oldest.name) \(oldestCreatedAt.map { max(now - $0, 0) } ?? 0)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
