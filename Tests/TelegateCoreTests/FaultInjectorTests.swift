import Testing

@testable import TelegateCore

/// Fault points for crash-recovery tests: silent unless armed, and never armed by the environment in production.
@Suite("Fault injector")
struct FaultInjectorTests {
    @Test("An unarmed injector lets every point pass")
    func unarmed() throws {
        let faults = FaultInjector()
        for point in FaultInjector.Point.allCases { try faults.reach(point) }
    }

    @Test("An armed point fails the given number of arrivals, then passes; other points are untouched")
    func armedTimes() throws {
        let faults = FaultInjector()
        faults.arm(.afterProviderBeforeResponse, times: 2)
        try faults.reach(.afterCommitBeforeProvider)
        #expect(throws: TelegateError.self) { try faults.reach(.afterProviderBeforeResponse) }
        #expect(throws: TelegateError.self) { try faults.reach(.afterProviderBeforeResponse) }
        try faults.reach(.afterProviderBeforeResponse)
    }

    @Test("A point armed without a count fails until disarmed")
    func armedUntilDisarmed() throws {
        let faults = FaultInjector()
        faults.arm(.beforeCommit, times: nil)
        for _ in 0..<5 { #expect(throws: TelegateError.self) { try faults.reach(.beforeCommit) } }
        faults.disarm()
        try faults.reach(.beforeCommit)
    }

    @Test("TELEGATE_FAULT_POINTS arms the listed points, and is refused with an https public URL or an unknown point")
    func environment() throws {
        let faults = try FaultInjector.fromEnvironment(
            ["TELEGATE_FAULT_POINTS": "before-commit:fail, after-commit-before-provider:fail"],
            publicURL: "http://127.0.0.1:8080")
        for _ in 0..<3 {
            #expect(throws: TelegateError.self) { try faults.reach(.beforeCommit) }
            #expect(throws: TelegateError.self) { try faults.reach(.afterCommitBeforeProvider) }
        }
        try faults.reach(.afterProviderBeforeResponse)
        try FaultInjector.fromEnvironment([:], publicURL: "https://auth.example.com").reach(.beforeCommit)
        #expect(throws: TelegateError.self) {
            try FaultInjector.fromEnvironment(["TELEGATE_FAULT_POINTS": "before-commit"], publicURL: "https://auth.example.com")
        }
        #expect(throws: TelegateError.self) {
            try FaultInjector.fromEnvironment(["TELEGATE_FAULT_POINTS": "somewhere:fail"], publicURL: "http://127.0.0.1")
        }
        #expect(throws: TelegateError.self) {
            try FaultInjector.fromEnvironment(["TELEGATE_FAULT_POINTS": "before-commit:explode"], publicURL: "http://127.0.0.1")
        }
    }
}
