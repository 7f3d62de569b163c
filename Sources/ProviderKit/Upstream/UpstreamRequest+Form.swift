import NIOHTTP1

extension UpstreamRequest {
    /// A request with an `application/x-www-form-urlencoded` body (OAuth token endpoints), in the given order.
    public static func form(
        _ method: HTTPMethod, _ url: String, _ fields: [(name: String, value: String)],
        headers: [(name: String, value: String)] = [], idempotent: Bool, operation: String
    ) -> UpstreamRequest {
        let body = fields.map { formEncoded($0.name) + "=" + formEncoded($0.value) }.joined(separator: "&")
        return UpstreamRequest(
            method, url, headers: headers + [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8),
            idempotent: idempotent, operation: operation)
    }

    /// `text` percent-encoded for a form body: unreserved characters (RFC 3986) stay, everything else is `%XX`.
    public static func formEncoded(_ text: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                encoded += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return encoded
    }
}
