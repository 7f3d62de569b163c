/// Stops the run with `message` when an invariant does not hold; libFuzzer records the input as a crash.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant violated: \(message())") }
}
