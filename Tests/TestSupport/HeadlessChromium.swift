import Foundation
import Hummingbird
import Logging
import StrictJSON
import Testing

/// A real headless Chromium opening a Mini App page: the page is served on a loopback port by a Hummingbird server
/// of its own (so the SDK's calls are cross-origin, as in Telegram), Chromium runs its scripts and the DOM they leave
/// is read back. Pages report by writing JSON into `<pre id="result">`.
public enum HeadlessChromium {
    /// The Chromium binary, when installed.
    public static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs a browser test only where Chromium is installed, saying why it is skipped elsewhere.
    public static var isInstalled: ConditionTrait {
        .enabled(if: executable != nil, "chromium is not installed (apt-get install -y chromium); browser test skipped")
    }

    /// The page's origin when served on `port`.
    public static func origin(port: Int) -> String { "http://127.0.0.1:\(port)" }

    /// Serves `html` at `/miniapp.html` on `port`, opens it in Chromium and returns the JSON the page wrote into
    /// `<pre id="result">`; fails the test with the DOM (or Chromium's log) when there is none.
    public static func run(page html: String, port: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let router = Router()
        router.get("/miniapp.html") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        var logger = Logger(label: "test.miniapp-page")
        logger.logLevel = .critical
        // Chromium opens the page only once its server listens.
        let (listening, serverRunning) = AsyncStream.makeStream(of: Void.self)
        let server = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in serverRunning.yield() }, logger: logger)
        let url = origin(port: port) + "/miniapp.html"
        let dom = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                defer { serverRunning.finish() }
                try await server.run()
                return nil
            }
            group.addTask {
                for await _ in listening { return try await dumpDOM(url) }
                return nil
            }
            var dom: String?
            while let next = try await group.next() {
                if let next {
                    dom = next
                    break
                }
            }
            group.cancelAll()
            return dom ?? ""
        }
        return try #require(result(in: dom), "no result in the page: \(dom.prefix(2000))", sourceLocation: sourceLocation)
    }

    /// Runs Chromium headless on `url` and returns the DOM after the page's scripts ran. Waits without blocking a
    /// thread: the servers the page talks to run on the same cooperative pool.
    public static func dumpDOM(_ url: String) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("dom.html")
        try Data().write(to: outputURL)
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--disable-dev-shm-usage", "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--virtual-time-budget=60000", "--timeout=180000", "--dump-dom", url,
        ]
        let errorsURL = directory.appendingPathComponent("chromium.log")
        let status = try await BrowserSlot.run {
            let browser = try ChildProcess(
                executable ?? "/usr/bin/chromium", arguments, stdout: .file(outputURL.path), stderr: .file(errorsURL.path))
            return await browser.exitStatus()
        }
        let dom = try String(contentsOf: outputURL, encoding: .utf8)
        if dom.isEmpty {
            let errors = (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? ""
            return "chromium exited with \(status) and no page; its log ends: \(errors.suffix(1500))"
        }
        return dom
    }

    /// The JSON in the DOM's `<pre id="result">`, unescaped.
    public static func result(in dom: String) -> JSONValue? {
        guard let start = dom.range(of: #"<pre id="result">"#), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
        else { return nil }
        let text = dom[start.upperBound..<end.lowerBound].replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try? JSONValue.parse(text)
    }
}
