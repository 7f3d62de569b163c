import FuzzSupport
import StrictJSON

/// Fuzzes the strict JSON reader and writer.
///
/// Invariants checked on every input:
/// - the tree reader (``JSONValue/parse(_:)-([UInt8])``) and the streaming reader (``JSONReader/skipValue()``)
///   accept exactly the same documents;
/// - the UTF-8 validator agrees with the standard library's decoder;
/// - whatever is accepted is written back as JSON that reads as the same value, and writing is idempotent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStrictJSON(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(data, count)
    let isValidUTF8 = bytes.withUnsafeBufferPointer { UTF8Validator.isValid($0) }
    require(
        isValidUTF8 == (String(validating: bytes, as: UTF8.self) != nil),
        "UTF8Validator and the standard library disagree")

    let tree = try? JSONValue.parse(bytes)
    let streamed = bytes.withUnsafeBufferPointer { buffer -> Bool in
        var reader = JSONReader(buffer)
        do {
            try reader.skipValue()
            try reader.expectEnd()
            return true
        } catch {
            return false
        }
    }
    require((tree != nil) == streamed, "the tree and streaming readers disagree on acceptance")

    guard let value = tree else { return 0 }
    let written = value.serializedBytes
    require(written.withUnsafeBufferPointer { UTF8Validator.isValid($0) }, "the writer produced invalid UTF-8")
    guard let reread = try? JSONValue.parse(written) else {
        require(false, "the writer's output does not parse")
        return 0
    }
    require(reread == value, "the written document reads as a different value")
    require(reread.serializedBytes == written, "writing is not idempotent")
    require(value.serialized == String(decoding: written, as: UTF8.self), "serialized text and bytes differ")
    return 0
}

/// The executable's entry point (SwiftPM links `<target>_main` as `main`): libFuzzer's driver over
/// ``fuzzStrictJSON(_:_:)``.
@_cdecl("FuzzStrictJSON_main")
public func fuzzStrictJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: fuzzStrictJSON)
}
