import StrictJSON
import TestSupport

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
typealias JWT = JWTParts

import Foundation
