import Foundation
import Hummingbird
import Logging
import StrictJSON
import TestSupport
import Testing

/// The browser SDK in a real headless Chromium: a Mini App page (a stand-in `window.Telegram.WebApp` carrying
/// initData signed for the test bot) imports `/sdk/telegate.js` from a live Telegate, exchanges, and signs in to
/// the Clerk simulator's Frontend API through `signInWithClerk`, with Clerk Core 2 and Core 3 shaped clients.
@Suite("Browser SDK")
struct BrowserSignInTests {
    /// The Chromium binary, when installed.
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(
        "A Mini App page signs in to Clerk (Core 2 and 3) with a single-use ticket, and convexAuth fetches and refreshes tokens",
        .enabled(if: chromium != nil, "chromium is not installed (apt-get install -y chromium); browser test skipped"))
    func miniAppSignIn() async throws {
        let pagePort = FreePort.next()
        let origin = "http://127.0.0.1:\(pagePort)"
        try await ClerkHarness.run(live: true, corsOrigins: [origin]) { harness in
            let page = Self.page(
                telegate: harness.baseURL, fapi: harness.simulatorURL, initData: try ClerkHarness.initData())
            let router = Router()
            router.get("/miniapp.html") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: page)))
            }
            // Chromium opens the page only once its server listens.
            let (listening, serverRunning) = AsyncStream.makeStream(of: Void.self)
            let server = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: pagePort)),
                onServerRunning: { _ in serverRunning.yield() }, logger: quietLogger)
            let dom = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    defer { serverRunning.finish() }
                    try await server.run()
                    return nil
                }
                group.addTask {
                    for await _ in listening { return try await Self.dumpDOM(origin + "/miniapp.html") }
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
            let result = try #require(Self.result(in: dom), "no result in the page: \(dom.prefix(2000))")
            #expect(result["error"] == nil, "\(result)")
            #expect(result["type"]?.stringValue == "clerk_ticket")
            #expect(result["core2"]?["status"]?.stringValue == "complete")
            #expect(result["core2"]?["alreadyActive"] == .bool(false))
            #expect(result["core2Session"]?.stringValue?.hasPrefix("sess_") == true)
            #expect(result["reuse"]?.stringValue == "ticket_invalid_code")
            #expect(result["again"]?["alreadyActive"] == .bool(true))
            #expect(result["core3"]?["status"]?.stringValue == "complete")
            #expect(result["core3"]?["sessionId"]?.stringValue?.hasPrefix("sess_") == true)
            #expect(result["convex"]?["jwt"] == .bool(true))
            #expect(result["convex"]?["shared"] == .bool(true))
            #expect(result["convex"]?["cached"] == .bool(true))
            #expect(result["convex"]?["refreshed"] == .bool(true))
            #expect(harness.simulator.sessions.count == 2)
            #expect(harness.simulator.users.count == 1)
        }
    }

    /// Runs Chromium headless on `url` and returns the DOM after the page's scripts ran. Waits without blocking a
    /// thread: the servers the page talks to run on the same cooperative pool.
    private static func dumpDOM(_ url: String) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("dom.html")
        try Data().write(to: outputURL)
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--disable-dev-shm-usage", "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--virtual-time-budget=20000", "--timeout=180000", "--dump-dom", url,
        ]
        let errorsURL = directory.appendingPathComponent("chromium.log")
        let browser = try ChildProcess(
            chromium ?? "/usr/bin/chromium", arguments, stdout: .file(outputURL.path), stderr: .file(errorsURL.path))
        let status = await browser.exitStatus()
        let dom = try String(contentsOf: outputURL, encoding: .utf8)
        if dom.isEmpty {
            let errors = (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? ""
            return "chromium exited with \(status) and no page; its log ends: \(errors.suffix(1500))"
        }
        return dom
    }

    private static func result(in dom: String) -> JSONValue? {
        guard let start = dom.range(of: #"<pre id="result">"#), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
        else { return nil }
        let text = dom[start.upperBound..<end.lowerBound].replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try? JSONValue.parse(text)
    }

    /// A Mini App page. The Clerk clients are small stand-ins for clerk-js that talk to the simulator's Frontend
    /// API the way clerk-js does (form-encoded `strategy=ticket`).
    private static func page(telegate: String, fapi: String, initData: String) -> String {
        """
        <!doctype html>
        <html><body><pre id="result">pending</pre>
        <script>window.Telegram = { WebApp: { initData: \(JSONValue.string(initData).serialized) } };</script>
        <script type="module">
        import { exchange, signInWithClerk, convexAuth } from "\(telegate)/sdk/telegate.js";
        const FAPI = "\(fapi)";
        async function fapiSignIn(ticket) {
          const response = await fetch(FAPI + "/v1/client/sign_ins", {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ strategy: "ticket", ticket }).toString(),
          });
          const json = await response.json();
          if (!response.ok) throw new Error(json.errors[0].code);
          return json;
        }
        function activate(clerk, client, sessionId) {
          const session = client.sessions.find((s) => s.id === sessionId);
          clerk.session = { id: session.id };
          clerk.user = { id: session.user.id };
        }
        function core2Clerk() {
          let last = null;
          const clerk = {
            user: null, session: null,
            client: { signIn: { async create({ strategy, ticket }) {
              if (strategy !== "ticket") throw new Error("unexpected strategy");
              last = await fapiSignIn(ticket);
              return { status: last.response.status, createdSessionId: last.response.created_session_id };
            } } },
            async setActive({ session }) { activate(clerk, last.client, session); },
            async signOut() { clerk.session = null; clerk.user = null; },
          };
          return clerk;
        }
        function core3Clerk() {
          const clerk = { user: null, session: null };
          let last = null;
          clerk.signIn = {
            status: "needs_identifier", createdSessionId: null,
            async ticket({ ticket }) {
              try { last = await fapiSignIn(ticket); } catch (error) { return { error }; }
              this.status = last.response.status;
              this.createdSessionId = last.response.created_session_id;
              return { error: null };
            },
            async finalize() { activate(clerk, last.client, this.createdSessionId); },
          };
          return clerk;
        }
        const out = {};
        try {
          const first = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.type = first.credential.type;
          const clerk = core2Clerk();
          out.core2 = await signInWithClerk(clerk, first);
          out.core2Session = clerk.session && clerk.session.id;
          try { await fapiSignIn(first.credential.ticket); out.reuse = "accepted"; } catch (error) { out.reuse = error.message; }
          const second = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.again = await signInWithClerk(clerk, second.credential);
          const third = await exchange({ baseURL: "\(telegate)", app: "shop" });
          out.core3 = await signInWithClerk(core3Clerk(), third.credential);
          const fetchAccessToken = convexAuth({ baseURL: "\(telegate)", app: "shop", provider: "convex" });
          const [a, b] = await Promise.all([fetchAccessToken({ forceRefreshToken: false }), fetchAccessToken({ forceRefreshToken: false })]);
          const cached = await fetchAccessToken({ forceRefreshToken: false });
          const refreshed = await fetchAccessToken({ forceRefreshToken: true });
          out.convex = { jwt: typeof a === "string" && a.split(".").length === 3, shared: a === b, cached: cached === a,
            refreshed: typeof refreshed === "string" && refreshed !== a };
        } catch (error) {
          out.error = String(error && (error.code || error.message) || error);
        }
        document.getElementById("result").textContent = JSON.stringify(out);
        </script></body></html>
        """
    }
}
