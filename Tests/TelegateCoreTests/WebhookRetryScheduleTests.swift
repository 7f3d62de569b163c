import TelegateCore
import Testing

@Suite("Webhook retry schedule")
struct WebhookRetryScheduleTests {
    @Test("Eleven attempts whose bounds add up to about a day, each wait a full-jitter draw below its bound")
    func standard() {
        let schedule = WebhookRetrySchedule.standard
        #expect(schedule.maxAttempts == 11)
        let total = schedule.steps.reduce(0, +)
        #expect((20 * 3_600...26 * 3_600).contains(total))
        for attempts in 1...10 {
            #expect(schedule.delay(afterAttempts: attempts, random: { $0.upperBound }) == schedule.steps[attempts - 1])
            #expect(schedule.delay(afterAttempts: attempts, random: { $0.lowerBound }) == 0)
            let drawn = schedule.delay(afterAttempts: attempts)
            #expect(drawn.map { (0...schedule.steps[attempts - 1]).contains($0) } == true)
        }
    }

    @Test("After the last attempt there is no further wait: the delivery is dead")
    func exhausted() {
        #expect(WebhookRetrySchedule.standard.delay(afterAttempts: 11) == nil)
        #expect(WebhookRetrySchedule(steps: [1]).delay(afterAttempts: 2) == nil)
    }
}
