import Foundation

/// Keeps a result alive so the optimizer cannot drop the work that made it.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {}

struct Options {
    /// Measured samples per operation; the median and the minimum are reported.
    var samples = 21
    /// Each sample repeats the operation until it lasts about this long, so
    /// that sub-microsecond operations are not lost in the clock's resolution.
    var sampleTarget: Duration = .milliseconds(10)
    /// Unmeasured repetitions first (caches, allocator, branch predictors).
    var warmup: Duration = .milliseconds(300)
    /// Only operations whose label contains this text.
    var filter: String?

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--samples": o.samples = max(1, Int(value()) ?? o.samples)
            case "--quick": o.samples = 7; o.sampleTarget = .milliseconds(3); o.warmup = .milliseconds(100)
            case "--filter": o.filter = value()
            case "-h", "--help":
                print("""
                usage: micro [--samples N] [--quick] [--filter TEXT]
                  --samples N    measured samples per operation (default 21)
                  --quick        7 samples of ~3 ms, 100 ms warm-up (a smoke run)
                  --filter TEXT  only the operations whose label contains TEXT
                """)
                exit(0)
            default: fatalError("unknown argument \(args[i]) (see --help)")
            }
            i += 1
        }
        return o
    }
}

struct Stats {
    /// Nanoseconds per operation.
    var median: Double
    var min: Double
    var opsPerSecond: Double { 1e9 / median }
}

extension Duration {
    var nanoseconds: Double {
        let c = components
        return Double(c.seconds) * 1e9 + Double(c.attoseconds) / 1e9
    }
}

/// Runs `body` for the warm-up time (at least 3 times), sizes a batch so that
/// one sample lasts about `sampleTarget`, then times `samples` batches with
/// ContinuousClock and reports the median and minimum time per operation.
func measure(_ options: Options, _ body: () -> Void) -> Stats {
    let clock = ContinuousClock()
    var runs = 0
    let start = clock.now
    repeat {
        body()
        runs += 1
    } while runs < 3 || start.duration(to: clock.now) < options.warmup
    let perRun = start.duration(to: clock.now).nanoseconds / Double(runs)
    let batch = Swift.max(1, Int(options.sampleTarget.nanoseconds / Swift.max(perRun, 1)))

    var samples: [Double] = []
    samples.reserveCapacity(options.samples)
    for _ in 0..<options.samples {
        let t0 = clock.now
        for _ in 0..<batch { body() }
        samples.append(t0.duration(to: clock.now).nanoseconds / Double(batch))
    }
    samples.sort()
    let mid = samples.count / 2
    let median = samples.count % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2
    return Stats(median: median, min: samples[0])
}

// MARK: - Formatting (no Foundation `String(format:)` needed)

func fixed(_ x: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let n = Int((abs(x) * scale).rounded())
    let whole = n / Int(scale), frac = String(n % Int(scale))
    let sign = x < 0 && n != 0 ? "-" : ""
    return places == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(String(repeating: "0", count: places - frac.count))\(frac)"
}

/// `1234.5` ns -> `1.23 µs`.
func formatTime(_ ns: Double) -> String {
    switch ns {
    case ..<1_000: return fixed(ns, 0) + " ns"
    case ..<1_000_000: return fixed(ns / 1_000, ns < 10_000 ? 2 : 1) + " µs"
    default: return fixed(ns / 1_000_000, ns < 10_000_000 ? 2 : 1) + " ms"
    }
}

func formatRate(_ perSecond: Double) -> String {
    switch perSecond {
    case ..<10_000: return fixed(perSecond, 0)
    case ..<10_000_000: return fixed(perSecond / 1_000, 1) + " k"
    default: return fixed(perSecond / 1_000_000, 2) + " M"
    }
}

func formatBytes(_ n: Int) -> String {
    n < 10_000 ? "\(n) B" : n < 10_000_000 ? "\(fixed(Double(n) / 1_000, 1)) KB" : "\(fixed(Double(n) / 1_000_000, 1)) MB"
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let n = s.count
    guard n < width else { return s }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + s : s + fill
}
