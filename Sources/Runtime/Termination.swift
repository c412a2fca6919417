import Dispatch
import Foundation

/// The end of a server process's life: SIGTERM (a supervisor) or SIGINT (Ctrl-C).
/// Catch the signals before the server listens: a signal that comes between
/// "Listening" and the wait would otherwise kill the process undrained.
public final class Termination: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiting: CheckedContinuation<Void, Never>?
    private var sources: [DispatchSourceSignal] = []

    /// From now on SIGTERM and SIGINT no longer kill the process: the first
    /// one ends `signalled()`, later ones are ignored, so that a second
    /// Ctrl-C does not cut the graceful shutdown short.
    public static func catchSignals() -> Termination {
        let termination = Termination()
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { termination.fire() }
            source.resume()
            termination.sources.append(source)
        }
        return termination
    }

    /// Returns once a signal came (at once if one already did).
    public func signalled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if fired {
                lock.unlock()
                continuation.resume()
            } else {
                waiting = continuation
                lock.unlock()
            }
        }
    }

    private func fire() {
        lock.lock()
        let continuation = fired ? nil : waiting
        fired = true
        waiting = nil
        lock.unlock()
        continuation?.resume()
    }
}
