import ArgumentParser
import StrictJSON

/// `telegate overview`: `/admin/v1/overview`, a running server's last hour, a line a minute (with `--server`; in
/// process the history is the CLI's own, and empty).
struct OverviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview",
        abstract: "Show a server's last hour, a line a minute: exchanges by result, p50/p99 latency, webhook queue depth.")

    @Option(help: "Only this app's exchanges.") var app: String?
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        let reply = try await admin.call(.get, "/overview", query: app.map { ["app": $0] } ?? [:])
        guard !admin.json else { return AdminOutput.show(reply, json: true, columns: []) }
        let points = reply?["points"]?.arrayElements ?? []
        guard !points.isEmpty else { return print("no minutes recorded yet") }
        print("AT                    EXCHANGES  OK  REFUSED  UPSTREAM  SERVER  P50_MS  P99_MS  QUEUE")
        for point in points {
            let results = point["results"]
            let cells = [
                ReadableTimes.iso8601(point["at"]?.integerValue ?? 0).padding(toLength: 20, withPad: " ", startingAt: 0),
                Self.cell(point["exchanges"]?.integerValue, 9), Self.cell(results?["ok"]?.integerValue ?? 0, 3),
                Self.cell(results?["refused"]?.integerValue ?? 0, 7), Self.cell(results?["upstream"]?.integerValue ?? 0, 8),
                Self.cell(results?["server"]?.integerValue ?? 0, 6), Self.milliseconds(point["p50"]),
                Self.milliseconds(point["p99"]), Self.cell(point["queueDepth"]?.integerValue, 5),
            ]
            print(cells.joined(separator: "  "))
        }
    }

    private static func cell(_ value: Int64?, _ width: Int) -> String {
        let text = value.map(String.init) ?? "-"
        return String(repeating: " ", count: max(width - text.count, 0)) + text
    }

    private static func milliseconds(_ seconds: JSONValue?) -> String {
        guard case .number(let number)? = seconds, let value = Double(number) else { return cell(nil, 6) }
        let text = "\((value * 10_000).rounded() / 10)"
        return String(repeating: " ", count: max(6 - text.count, 0)) + text
    }
}
