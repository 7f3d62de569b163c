import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import TelegateServer

/// What an unexpected failure leaves behind: a bare 500 for the client and the error's type in the log, never the
/// request body or the error's own text.
@Suite("Error redaction")
struct ErrorRedactionTests {
    static let secret = "canary-request-body-7f3a9c1e"

    /// A failure whose description carries the request it failed on, as a careless dependency's error might.
    struct LeakyFailure: Error, CustomStringConvertible {
        let body: String
        var description: String { "could not handle body \(body) at /srv/telegate/Sources/X.swift:12" }
    }

    @Test("L2, L4: an unexpected failure is a bare 500: no body, stack, path or error text in the answer or the log")
    func unexpectedFailure() async throws {
        let logs = LogCapture()
        let router = Router(context: TelegateRequestContext.self)
        router.add(middleware: ProblemMiddleware(logger: logs.logger))
        router.post("/boom") { request, _ -> String in
            let body = try await request.body.collect(upTo: 1024)
            throw LeakyFailure(body: String(buffer: body))
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/boom", method: .post, body: ByteBuffer(string: "initData=\(Self.secret)")) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(text.contains("internal_error"), "\(text)")
                for leak in [Self.secret, "LeakyFailure", "Sources", "swift", "initData"] {
                    #expect(!text.contains(leak), "the answer shows \(leak)")
                }
            }
        }
        #expect(logs.text.contains("LeakyFailure"), "the log names the error type")
        #expect(!logs.text.contains(Self.secret))
        #expect(!logs.text.contains("/srv/telegate"))
    }
}
