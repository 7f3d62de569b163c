import ExchangeSubmission
import FuzzSupport
import StrictJSON

/// Fuzzes the exchange request body (`POST /v1/apps/{app}/exchange`).
///
/// Input: when it holds a line feed, the part before the first one is the `Authorization` header (an empty line
/// sends none) and the rest is the body; otherwise all of it is the body. `Content-Type` is `application/json`.
///
/// Invariants: a refusal is an ``ExchangeBodyError`` whose message echoes no submitted proof (only member names may
/// appear); an accepted body holds exactly one proof, taken verbatim from the body or the header.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExchangeBody(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(data, count)
    let (first, rest) = splitOnce(bytes[...], at: UInt8(ascii: "\n"))
    let authorization = rest == nil || first.isEmpty ? nil : fuzzText(Array(first))
    let body = Array(rest ?? first)
    do {
        let exchange = try ExchangeBody.parse(
            body, contentType: "application/json", authorization: authorization.map { [Array($0.utf8)] } ?? [])
        requireVerbatim(exchange.proof, body: body, authorization: authorization)
    } catch {
        requireNothingEchoed(error.message, body: body, authorization: authorization)
    }
    return 0
}

/// The proof is a string of the body, the callback object written back, or the header's initData, byte for byte.
private func requireVerbatim(_ proof: ProofSubmission, body: [UInt8], authorization: String?) {
    let members = (try? JSONValue.parse(body))?.objectMembers ?? []
    let strings = Set(members.compactMap { $0.value.stringValue.map { Array($0.utf8) } })
    switch proof {
    case .initData(let text):
        let suffix = Array((" " + text).utf8)
        let fromHeader = authorization.map { Array($0.utf8.suffix(suffix.count)) == suffix } ?? false
        require(strings.contains(Array(text.utf8)) || fromHeader, "initData not taken verbatim")
    case .widget(let text):
        let object = members.first { $0.key == "widget" }?.value
        require(strings.contains(Array(text.utf8)) || object?.serializedBytes == Array(text.utf8), "widget data not taken verbatim")
    case .idToken(let token, let nonce):
        require(
            strings.contains(Array(token.utf8)) && (nonce.map { strings.contains(Array($0.utf8)) } ?? true),
            "idToken or nonce not taken verbatim")
    }
}

/// A refusal names members, never their values: no string value of the body and not the header's initData appears
/// in the message. Values shorter than 32 bytes are not checked, as they may be words of the message itself
/// (`initData`); proofs are longer. Neither are values that are part of a member name, which a message may quote.
/// Compared as bytes.
private func requireNothingEchoed(_ message: String, body: [UInt8], authorization: String?) {
    let members = (try? JSONValue.parse(body))?.objectMembers ?? []
    var values = members.compactMap(\.value.stringValue)
    if let authorization, let space = authorization.utf8.firstIndex(of: UInt8(ascii: " ")) {
        values.append(String(decoding: authorization.utf8[authorization.utf8.index(after: space)...], as: UTF8.self))
    }
    let text = Array(message.utf8)
    for value in values where value.utf8.count >= 32 {
        let bytes = Array(value.utf8)
        if members.contains(where: { Array($0.key.utf8).firstRange(of: bytes) != nil }) { continue }
        require(text.firstRange(of: bytes) == nil, "a refusal echoes a submitted value")
    }
}

/// The executable's entry point (SwiftPM links `<target>_main` as `main`): libFuzzer's driver over
/// ``fuzzExchangeBody(_:_:)``.
@_cdecl("FuzzExchangeBody_main")
public func fuzzExchangeBodyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: fuzzExchangeBody)
}
