/// One real browser at a time in the whole test process. Every browser test (the Playwright scripts, through
/// ``Playwright/run(_:_:)``) takes the slot around its browser: several Chromiums started together by suites running
/// in parallel starve each other on a 2-core machine until their own timeouts fire.
public actor BrowserSlot {
    private static let shared = BrowserSlot()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once no other browser runs, and lets the next one go after it.
    public static func run<T>(_ body: () async throws -> T) async throws -> T {
        await shared.acquire()
        do {
            let value = try await body()
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
