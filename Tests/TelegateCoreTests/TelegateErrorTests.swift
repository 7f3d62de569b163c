import StrictJSON
import TelegateCore
import TelegramAuth
import Testing

/// A code declares its status once; an error's problem document carries it, and a document received from a server
/// reads back into the same error.
@Suite("Telegate errors")
struct TelegateErrorTests {
    @Test("An error is answered with its code's status, whoever raises it")
    func statusFromCode() {
        #expect(TelegateError(.invalidRequest, "x").status == 400)
        #expect(TelegateError.invalidRequest("x").status == 400)
        #expect(TelegateError(.invalidField, "x", reason: "invalid_value").status == 422)
        #expect(TelegateError.storageUnavailable().status == 503)
        #expect(TelegateError(TelegramAuthError(.keysUnavailable, "down")).status == 503)
        #expect(TelegateError(TelegramAuthError(.keysUnavailable, "down")).retryAfter == 5)
        #expect(TelegateError(TelegramAuthError(.wrongProofKind, "jwt")).status == 400)
        #expect(TelegateError(TelegramAuthError(.expired, "old")).status == 401)
    }

    @Test("A problem document read back gives the same code, status, reason and message")
    func problemDocumentRoundTrip() throws {
        let error = TelegateError(.adminForbidden, "this admin token is read-only", reason: "read_only_token")
        let document = error.problemDocument(requestID: "req1")
        #expect(
            String(decoding: document.serializedBytes, as: UTF8.self)
                == #"{"type":"urn:telegate:error:admin_forbidden","title":"Forbidden","status":403,"code":"admin_forbidden","reason":"read_only_token","detail":"this admin token is read-only","requestId":"req1"}"#
        )
        let read = try #require(TelegateError(problemDocument: document, status: 500))
        #expect(read.code == .adminForbidden)
        #expect(read.status == 403)
        #expect(read.reason == "read_only_token")
        #expect(read.message == error.message)
    }

    @Test("A document that names no code is not read as an error")
    func noCode() throws {
        #expect(TelegateError(problemDocument: try JSONValue.parse(Array(#"{"detail":"x"}"#.utf8)), status: 502) == nil)
    }

    @Test("A code unknown here keeps the status the document names")
    func unknownCode() throws {
        let document = try JSONValue.parse(Array(#"{"code":"something_new","status":409,"detail":"taken"}"#.utf8))
        let read = try #require(TelegateError(problemDocument: document, status: 400))
        #expect(read.code.rawValue == "something_new")
        #expect(read.status == 409)
    }
}
