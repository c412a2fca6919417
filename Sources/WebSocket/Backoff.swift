/// The delay before each reconnection to a WebSocket backend, as the
/// manual's "Retries and backoff strategies" defines them: `r` is the number
/// of failed attempts so far (1 for the first retry).
struct Backoff: Sendable {
    enum Strategy: String, Sendable, CaseIterable {
        case linear, linearJitter = "linear-jitter", exponential, exponentialJitter = "exponential-jitter", fallback
    }

    var strategy: Strategy
    /// `0` (or less) retries forever.
    var maxRetries: Int

    /// Whether attempt number `retry` (1-based) may still be made.
    func allows(retry: Int) -> Bool { maxRetries <= 0 || retry <= maxRetries }

    /// Seconds to wait before retry number `retry`; `random` gives a value in
    /// -1...1 for the jitter (a parameter, so tests can pin it).
    func delay(retry: Int, random: () -> Double = { Double.random(in: -1...1) }) -> Duration {
        let r = Double(max(retry, 1))
        let seconds: Double
        switch strategy {
        case .linear: seconds = r
        case .linearJitter: seconds = r + r * 0.33 * random()
        case .exponential: seconds = Self.power(r)
        case .exponentialJitter:
            let base = Self.power(r)
            seconds = base + base * 0.33 * random()
        case .fallback: seconds = 1
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// 2^r, capped at about 9 hours so that a long outage cannot overflow.
    private static func power(_ r: Double) -> Double {
        r >= 15 ? 32768 : Double(1 << Int(r))
    }
}
