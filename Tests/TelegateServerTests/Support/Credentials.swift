import StrictJSON

/// The tokens of an `oidc` credential in an exchange reply.
struct Credentials {
    let idToken: String
    let accessToken: String
    let refreshToken: String

    init(_ reply: TestService.Reply) {
        let credential = reply.json["credential"]
        idToken = credential?["idToken"]?.stringValue ?? ""
        accessToken = credential?["accessToken"]?.stringValue ?? ""
        refreshToken = credential?["refreshToken"]?.stringValue ?? ""
    }

    var all: [String] { [idToken, accessToken, refreshToken].filter { !$0.isEmpty } }
}

/// Reading JWT parts without verifying (the tests verify separately, as relying parties).
enum JWT {
    static func header(_ token: String) throws -> JSONValue { try part(token, 0) }
    static func claims(_ token: String) throws -> JSONValue { try part(token, 1) }

    private static func part(_ token: String, _ index: Int) throws -> JSONValue {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw JWTShapeError() }
        var base64 = String(segments[index]).replacing("-", with: "+").replacing("_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { throw JWTShapeError() }
        return try JSONValue.parse(Array(data))
    }

    struct JWTShapeError: Error {}
}

import Foundation
