/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: count))
}

/// The input as text the way the code under test receives it from `String` APIs: invalid UTF-8 already replaced.
public func fuzzText(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// `bytes` split at the first `separator`: the part before it, and the rest (`nil` when there is none).
public func splitOnce(_ bytes: ArraySlice<UInt8>, at separator: UInt8) -> (head: ArraySlice<UInt8>, rest: ArraySlice<UInt8>?) {
    guard let index = bytes.firstIndex(of: separator) else { return (bytes, nil) }
    return (bytes[bytes.startIndex..<index], bytes[(index + 1)...])
}
