import LibFuzzerEntry

/// What libFuzzer calls with each input.
public typealias FuzzTest = @convention(c) (_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt

/// Runs libFuzzer's driver over `test`: the body of each fuzz target's `main`.
///
/// SwiftPM links an executable target's entry point, `<target>_main`, as `main`, so libFuzzer's own `main` is never
/// used; each target exports `<target>_main` itself and starts the driver here.
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, testing test: FuzzTest
) -> CInt {
    telegate_fuzz_main(argc, argv, test)
}
