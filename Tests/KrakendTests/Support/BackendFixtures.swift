import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1

// Canned backend answers, so that a test can reproduce a manual's example
// exactly: the manual's config pointed at an echo backend, the backend
// answering what the manual says it answers, on the manual's own paths.

/// What the echo backend answers on one path (`EchoBackend.serve`).
struct Fixture: Sendable {
    var status: Int = 200
    var body: [UInt8]
    /// `Content-Type` included; none at all when empty.
    var headers: [(String, String)] = [("Content-Type", "application/json")]
    /// When set, the answer waits until the gate opens.
    var gate: Gate?
    /// A pause before answering (after the gate), in milliseconds.
    var delay: Int = 0
}

/// The fixtures of one echo backend, by path (without the query), and how
/// often each path was asked for.
final class FixtureStore: @unchecked Sendable {
    private let lock = NSLock()
    private var fixtures: [String: Fixture] = [:]
    private var hits: [String: Int] = [:]

    func set(_ path: String, _ fixture: Fixture) {
        lock.lock(); defer { lock.unlock() }
        fixtures[path] = fixture
    }

    /// The fixture for `path`, counting the request.
    func take(_ path: String) -> Fixture? {
        lock.lock(); defer { lock.unlock() }
        guard let fixture = fixtures[path] else { return nil }
        hits[path, default: 0] += 1
        return fixture
    }

    func hitCount(_ path: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return hits[path] ?? 0
    }

    /// Writes the fixture's answer, once its gate (if any) opens.
    static func answer(_ fixture: Fixture, _ writer: ResponseWriter) async {
        if let gate = fixture.gate { await gate.pass() }
        if fixture.delay > 0 { try? await Task.sleep(for: .milliseconds(fixture.delay)) }
        var headers = HTTPHeaders()
        for (name, value) in fixture.headers { headers.add(name: name, value: value) }
        writer.respond(status: HTTPResponseStatus(statusCode: fixture.status), headers: headers, body: ByteBuffer(bytes: fixture.body))
    }
}

/// Holds backend answers until it opens. `open()` releases every request held
/// and lets later ones through; `Gate(opensAfter: n)` opens by itself when its
/// n-th request arrives (a barrier: nobody answers before all n came).
/// Tests open their gates on the way out (`defer`), so no request stays held.
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var count = 0
    private let opensAfter: Int?

    init(opensAfter: Int? = nil) { self.opensAfter = opensAfter }

    /// Requests that reached the gate so far.
    var arrivals: Int { lock.lock(); defer { lock.unlock() }; return count }

    /// Whether the gate was opened (by `open()` or by its barrier).
    var opened: Bool { lock.lock(); defer { lock.unlock() }; return isOpen }

    func open() {
        lock.lock()
        isOpen = true
        let released = waiting
        waiting = []
        lock.unlock()
        for continuation in released { continuation.resume() }
    }

    /// Waits for the gate to open.
    func pass() async {
        guard arrive() else { return }
        await withCheckedContinuation { continuation in
            lock.lock()
            if isOpen {
                lock.unlock()
                continuation.resume()
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    /// Counts an arrival (which may open a barrier); true when it must wait.
    private func arrive() -> Bool {
        lock.lock()
        count += 1
        let opensNow = !isOpen && opensAfter.map { count >= $0 } == true
        lock.unlock()
        if opensNow { open() }
        return !opened
    }
}

extension EchoBackend {
    /// Answers `json` (sent as written) on `path`.
    func serve(_ path: String, json: String, status: Int = 200, gate: Gate? = nil, delay: Int = 0) {
        app.fixtures.set(path, Fixture(status: status, body: Array(json.utf8), gate: gate, delay: delay))
    }

    /// Answers raw bytes with exactly these headers on `path`.
    func serve(_ path: String, bytes: [UInt8], status: Int = 200, headers: [(String, String)], gate: Gate? = nil) {
        app.fixtures.set(path, Fixture(status: status, body: bytes, headers: headers, gate: gate))
    }

    /// How many requests reached the fixture of `path`.
    func hits(_ path: String) -> Int { app.fixtures.hitCount(path) }
}

/// Waits (polling) until `condition` holds or `seconds` pass; returns whether it
/// held. For effects that happen after the answer (a shadow call), never timing.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// The compact encoding Go's `encoding/json` gives a JSON text decoded into
/// `interface{}` (with `UseNumber`): keys sorted by bytes, no spaces, `<>&`
/// and U+2028/U+2029 escaped. Written here, independently of the gateway's
/// serializer, to turn the manual's pretty-printed examples into the exact
/// bytes KrakenD answers.
enum GoJSON {
    static func compact(_ text: String) -> String {
        let value: Value
        do { value = try Value(json: text) } catch { return "<invalid JSON in the test: \(error)>" }
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: Value, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += "\\u" + String(format: "%04x", scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(format: "%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension TestHTTP.Response {
    var completed: String? { headers.first(name: "X-Krakend-Completed") }
    var cacheControl: String? { headers.first(name: "Cache-Control") }
    var contentType: String? { headers.first(name: "Content-Type") }
}

/// The backend answers the manual's examples are built on (jsonplaceholder's
/// `/users/1` and `/posts/1`, as the manual prints them).
enum Manual {
    static let user1 = """
    {
        "id": 1,
        "name": "Leanne Graham",
        "username": "Bret",
        "email": "Sincere@april.biz",
        "address": {
            "street": "Kulas Light",
            "suite": "Apt. 556",
            "city": "Gwenborough",
            "zipcode": "92998-3874",
            "geo": {
                "lat": "-37.3159",
                "lng": "81.1496"
            }
        },
        "phone": "1-770-736-8031 x56442",
        "website": "hildegard.org",
        "company": {
            "name": "Romaguera-Crona",
            "catchPhrase": "Multi-layered client-server neural-net",
            "bs": "harness real-time e-markets"
        }
    }
    """

    static let post1 = #"""
    {
        "userId": 1,
        "id": 1,
        "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit",
        "body": "quia et suscipit\nsuscipit recusandae consequuntur expedita et cum\nreprehenderit molestiae ut ut quas totam\nnostrum rerum est autem sunt rem eveniet architecto"
    }
    """#
}
