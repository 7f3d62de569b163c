import Crypto
import FuzzSupport
import TelegramAuth

/// The bot of the vector Telegram signed (both `hash` and `signature`), at 13 s after its `auth_date`, and the
/// Login Widget vectors' bot, 10 s after theirs.
///
/// Verifiers are made for each input rather than kept in globals: LeakSanitizer cannot follow the pointers Swift
/// stores with enum tag bits in their spare bits, and would report a global verifier's key prefix as leaked.
private struct Received {
    static let botToken = try! BotToken("7342037359:AAFZehRPBRs8Seg40oDjTMIW8uTGPuW1zfQ")
    static let widgetToken = "123456789:abcdefGHIJKLmnopqrSTUVWXyz123456789"
    let clock = WallClock.fixed(1_733_584_800)
    let widgetClock = WallClock.fixed(1_512_345_688)
    var hmac: InitDataVerifier { InitDataVerifier(botToken: Self.botToken, clock: clock) }
    var ed25519: InitDataVerifier { InitDataVerifier(botID: Self.botToken.botID, environment: .production, clock: clock) }
    var widget: WidgetVerifier { WidgetVerifier(botToken: Self.widgetToken, clock: widgetClock) }
    var initDataDiagnosis: ProofDiagnosis {
        ProofDiagnosis(botToken: Self.botToken.secretText, botID: Self.botToken.botID, freshness: .initData, clock: clock)
    }
    var widgetDiagnosis: ProofDiagnosis {
        ProofDiagnosis(botToken: Self.widgetToken, botID: nil, freshness: .widget, clock: widgetClock)
    }
}

/// Fixed keys for re-signing; freshness is off so any `auth_date` reaches the signed JSON.
private struct Resigned {
    static let telegramKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x5A, count: 32))
    var signer: InitDataSigner {
        InitDataSigner(ed25519PrivateKey: Self.telegramKey, botID: Received.botToken.botID, botToken: Received.botToken)
    }
    var hmac: InitDataVerifier { InitDataVerifier(botToken: Received.botToken, freshness: .disabled) }
    var ed25519: InitDataVerifier {
        InitDataVerifier(botID: Received.botToken.botID, publicKey: Self.telegramKey.publicKey, freshness: .disabled)
    }
    var widgetSigner: WidgetSigner { WidgetSigner(botToken: Received.widgetToken) }
    var widget: WidgetVerifier { WidgetVerifier(botToken: Received.widgetToken, freshness: .disabled) }
}

/// Refusals that mean the signature did not hold, or that fields the signer accepted were read differently.
private let signatureRefusals: Set<TelegramAuthError.Code> = [
    .signatureInvalid, .hashMissing, .signatureMissing, .duplicateParameter, .wrongProofKind,
]

/// Fuzzes Mini App `initData` and Login Widget data: strict parsing, both signature modes, freshness, the signed
/// JSON, the three widget shapes, and the diagnosis `telegate verify --explain` runs after a failure.
///
/// Every input is verified twice:
/// - **as received**, by verifiers for the bots of Telegram's published vectors (the seed corpus), so a seed that is
///   a real proof verifies and its mutations exercise every refusal;
/// - **re-signed**: when the input parses, its fields (without `hash` and `signature`) are signed again with fixed
///   keys and verified in every shape. Whatever the fields are, the signature must then hold, and the verified
///   identity must carry exactly the signed fields. This reaches the code after the signature with any field set.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelegramProof(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = fuzzText(fuzzBytes(data, count))
    verifyAsReceived(text)
    if let fields = try? ProofFields.parseForm(text) {
        let pairs = fields.pairs.filter { $0.key != "hash" && $0.key != "signature" }
        verifyResignedInitData(pairs)
        verifyResignedWidget(pairs)
    }
    return 0
}

private func verifyAsReceived(_ text: String) {
    let received = Received()
    for verifier in [received.hmac, received.ed25519] {
        do {
            _ = try verifier.verify(text)
        } catch {
            _ = received.initDataDiagnosis.explainInitData(text, failure: error, mode: verifier.mode)
        }
    }
    do {
        _ = try received.widget.verify(text)
    } catch {
        _ = received.widgetDiagnosis.explainWidget(text, failure: error)
    }
}

private func verifyResignedInitData(_ pairs: [(key: String, value: String)]) {
    let resigned = Resigned()
    guard let signed = try? resigned.signer.sign(pairs) else { return }
    for verifier in [resigned.hmac, resigned.ed25519] {
        expectSignatureHolds(pairs, proof: "initData \(verifier.mode)") { () throws(TelegramAuthError) in
            try verifier.verify(signed)
        }
    }
}

private func verifyResignedWidget(_ pairs: [(key: String, value: String)]) {
    let resigned = Resigned()
    guard let signed = try? resigned.widgetSigner.sign(pairs) else { return }
    let object = "{" + signed.map { TelegramEncoding.jsonString($0.key) + ":" + TelegramEncoding.jsonString($0.value) }
        .joined(separator: ",") + "}"
    let shapes = [
        ("query", TelegramEncoding.queryString(signed)), ("JSON", object),
        ("tgAuthResult", "tgAuthResult=" + Base64.urlEncode(Array(object.utf8))),
    ]
    for (shape, text) in shapes {
        expectSignatureHolds(pairs, proof: "widget \(shape)") { () throws(TelegramAuthError) in
            try resigned.widget.verify(text)
        }
    }
}

/// Runs a verification of freshly signed `pairs`: it may refuse their contents, never their signature, and what
/// it accepts carries exactly the signed fields.
private func expectSignatureHolds(
    _ pairs: [(key: String, value: String)], proof: String,
    _ verify: () throws(TelegramAuthError) -> TelegramIdentity
) {
    do {
        let identity = try verify()
        let fields = identity.fields
        require(
            fields.count == pairs.count && zip(fields, pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value },
            "\(proof): the verified fields differ from the signed ones")
    } catch {
        require(!signatureRefusals.contains(error.code), "\(proof): freshly signed data refused with \(error.code)")
    }
}

/// The executable's entry point (SwiftPM links `<target>_main` as `main`): libFuzzer's driver over
/// ``fuzzTelegramProof(_:_:)``.
@_cdecl("FuzzTelegramProof_main")
public func fuzzTelegramProofMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: fuzzTelegramProof)
}
