import Foundation
import Hummingbird
import Logging
import StrictJSON
import Testing

/// A real headless Chromium opening a Mini App page: the page is served on a loopback port by a Hummingbird server
/// of its own (so the SDK's calls are cross-origin, as in Telegram), Chromium runs its scripts and the DOM they leave
/// is read back. Pages report by writing JSON into `<pre id="result">`; tests using it take ``Playwright/isInstalled``.
public enum HeadlessChromium {
    /// The Chromium binary, when installed.
    public static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

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

    /// Opens `url` in Chromium (``Playwright``, `Tests/Interop/browser/page_result.py`) and returns the DOM once the
    /// page has reported (its `<pre id="result">` no longer says `pending`), preceded by the page's console messages
    /// when it never did. Waits without blocking a thread: the servers the page talks to run on the same cooperative
    /// pool.
    public static func dumpDOM(_ url: String) async throws -> String {
        let result = try await Playwright.run(Playwright.script("browser/page_result.py"), [url])
        return result.status == 0 ? result.output : "page_result.py exited with \(result.status): \(result.output.suffix(1500))"
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
