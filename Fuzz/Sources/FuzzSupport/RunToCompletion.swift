import Dispatch

/// Runs `body` to completion from the synchronous fuzzing callback. libFuzzer calls from its own thread, never from
/// the cooperative pool, so blocking it while the task runs cannot starve the task.
public func runToCompletion(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await body()
        done.signal()
    }
    done.wait()
}
