import Foundation
import TestSupport

/// Checks a custom token with PyJWT and `cryptography` (installed by `.ci/run`), a JOSE implementation independent of
/// Telegate's: the signature against the public key of the service account's private key, the exact header, and
/// every claim rule Identity Toolkit applies.
enum IndependentVerifier {
    /// Whether `python3` can import PyJWT and `cryptography`; without them the tests that need them are skipped
    /// (and say so).
    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jwt, cryptography"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// `ok`, or what PyJWT or a claim rule refused. The service account and the expectations go through the
    /// environment, never the command line.
    static func verify(
        _ token: String, serviceAccountJSON: String, uid: String, tenantID: String?, claims: String
    ) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["FIREBASE_SERVICE_ACCOUNT"] = serviceAccountJSON
        environment["EXPECTED_UID"] = uid
        environment["EXPECTED_TENANT"] = tenantID ?? ""
        environment["EXPECTED_CLAIMS"] = claims
        environment["CUSTOM_TOKEN"] = token
        return try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script], environment: environment)
    }

    private static let script = #"""
        import json, os, sys, time
        import jwt
        from cryptography.hazmat.primitives import serialization

        account = json.loads(os.environ["FIREBASE_SERVICE_ACCOUNT"])
        token = os.environ["CUSTOM_TOKEN"]
        public_key = serialization.load_pem_private_key(account["private_key"].encode(), password=None).public_key()
        audience = "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"
        header = jwt.get_unverified_header(token)
        if header != {"alg": "RS256", "typ": "JWT", "kid": account["private_key_id"]}:
            sys.exit("header %r" % header)
        claims = jwt.decode(
            token, public_key, algorithms=["RS256"], audience=audience, issuer=account["client_email"],
            options={"require": ["iss", "sub", "aud", "iat", "exp", "uid"]})
        reserved = {"acr", "amr", "at_hash", "aud", "auth_time", "azp", "cnf", "c_hash", "exp", "firebase", "iat", "iss",
                    "jti", "nbf", "nonce", "sub"}
        problems = []
        if claims["sub"] != account["client_email"]: problems.append("sub is not the service account")
        if not 0 < claims["exp"] - claims["iat"] <= 3600: problems.append("exp - iat is not in 1...3600")
        if abs(claims["iat"] - time.time()) > 300: problems.append("iat is not now")
        if not 1 <= len(claims["uid"]) <= 128: problems.append("uid length")
        if claims["uid"] != os.environ["EXPECTED_UID"]: problems.append("uid %r" % claims["uid"])
        if claims.get("tenant_id", "") != os.environ["EXPECTED_TENANT"]: problems.append("tenant_id")
        developer = claims.get("claims", {})
        if reserved & set(developer): problems.append("reserved developer claims")
        if developer != json.loads(os.environ["EXPECTED_CLAIMS"]): problems.append("claims %r" % developer)
        extra = set(claims) - {"iss", "sub", "aud", "iat", "exp", "uid", "tenant_id", "claims"}
        if extra: problems.append("unexpected claims %r" % sorted(extra))
        print("; ".join(problems) if problems else "ok")
        """#
}
