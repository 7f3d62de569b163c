import ConfigurationDocument
import FuzzSupport
import StrictJSON

/// Fuzzes the configuration file's YAML reader (`telegate.yaml` and `telegate config apply` files).
///
/// The text is decoded the way the file loader decodes it. Whatever the reader accepts must be a JSON value the
/// strict JSON writer and reader carry unchanged: the configuration is stored, exported and compared as JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigurationYAML(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = fuzzText(fuzzBytes(data, count))
    guard let value = try? YAMLDocument.parse(text) else { return 0 }
    let written = value.serializedBytes
    guard let reread = try? JSONValue.parse(written) else {
        require(false, "the configuration read from YAML is not valid JSON once written")
        return 0
    }
    require(reread == value, "the configuration read from YAML changes when written as JSON and read back")
    return 0
}

/// The executable's entry point (SwiftPM links `<target>_main` as `main`): libFuzzer's driver over
/// ``fuzzConfigurationYAML(_:_:)``.
@_cdecl("FuzzConfigurationYAML_main")
public func fuzzConfigurationYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: fuzzConfigurationYAML)
}
