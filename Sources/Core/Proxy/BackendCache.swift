import NIOCore
import NIOHTTP1
import Synchronization

/// `qos/http-cache`: backend answers kept in memory for as long as their
/// `Cache-Control: max-age` allows, keyed by the final backend
/// URL and the request headers the answer `Vary`s on. Only GET and HEAD.
/// With `max_items`/`max_size` the least recently used entries are evicted.
public final class BackendCache: Sendable {
    struct Entry {
        var response: HTTP1Response
        var vary: [(name: String, value: String?)]
        var expires: NIODeadline
        var size: Int
        var lastUsed: UInt64
    }

    struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    let maxItems: Int?
    let maxSize: Int?
    private let state = Mutex(State())

    init(maxItems: Int?, maxSize: Int?) {
        self.maxItems = maxItems
        self.maxSize = maxSize
    }

    /// The cache a backend uses, from its `qos/http-cache` section; `shared`
    /// ones come from `registry`, so every backend that shares gets the same.
    static func make(_ config: Value?, path: String, registry: SharedCaches) throws(ConfigError) -> BackendCache? {
        guard let config else { return nil }
        guard case .object(let o) = config else { throw ConfigError(path: path, "must be an object") }
        let maxItems = o["max_items"]?.intValue
        let maxSize = o["max_size"]?.intValue
        if (maxItems == nil) != (maxSize == nil) {
            throw ConfigError(path: path, "max_items and max_size go together: declare both or neither")
        }
        if o["shared"]?.boolValue == true { return registry.cache(maxItems: maxItems, maxSize: maxSize) }
        return BackendCache(maxItems: maxItems, maxSize: maxSize)
    }

    func lookup(method: HTTPMethod, url: String, headers: HTTPHeaders) -> HTTP1Response? {
        guard method == .GET || method == .HEAD else { return nil }
        let now = NIODeadline.now()
        return state.withLock { state in
            guard var entry = state.entries[url] else { return nil }
            guard entry.expires > now else {
                state.bytes -= entry.size
                state.entries[url] = nil
                return nil
            }
            for (name, value) in entry.vary where headers.first(name: name) != value { return nil }
            state.clock += 1
            entry.lastUsed = state.clock
            state.entries[url] = entry
            return entry.response
        }
    }

    func store(method: HTTPMethod, url: String, requestHeaders: HTTPHeaders, response: HTTP1Response) {
        guard method == .GET || method == .HEAD, let lifetime = Self.freshness(response.head.headers), lifetime > .zero else { return }
        let varyNames = response.head.headers["Vary"].flatMap { $0.split(separator: ",") }.map { trimmed($0) }
        if varyNames.contains("*") { return }
        let vary = varyNames.map { (name: $0, value: requestHeaders.first(name: $0)) }
        let size = (response.body?.readableBytes ?? 0) + url.utf8.count + 256
        if let maxSize, size > maxSize { return }
        state.withLock { state in
            if let old = state.entries[url] { state.bytes -= old.size }
            state.clock += 1
            state.entries[url] = Entry(response: response, vary: vary, expires: .now() + lifetime, size: size, lastUsed: state.clock)
            state.bytes += size
            evict(&state)
        }
    }

    /// Drops the least recently used entries until the limits hold.
    private func evict(_ state: inout State) {
        while (maxItems.map { state.entries.count > $0 } ?? false) || (maxSize.map { state.bytes > $0 } ?? false) {
            guard let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { return }
            state.bytes -= oldest.value.size
            state.entries[oldest.key] = nil
        }
    }

    /// How long an answer stays fresh: `max-age` minus `Age`; none with
    /// `no-store` or `no-cache`, or without `max-age`.
    static func freshness(_ headers: HTTPHeaders) -> TimeAmount? {
        let directives = headers["Cache-Control"].flatMap { $0.split(separator: ",") }
            .map { trimmed($0).lowercased() }
        if directives.contains("no-store") || directives.contains("no-cache") { return nil }
        let age = headers.first(name: "Age").flatMap { Int64($0) } ?? 0
        if let maxAge = directives.first(where: { $0.hasPrefix("max-age=") }).flatMap({ Int64($0.dropFirst(8)) }) {
            return .seconds(maxAge - age)
        }
        return nil
    }
}

/// The `shared: true` caches, one per configuration.
final class SharedCaches: Sendable {
    private let shared = Mutex<BackendCache?>(nil)

    func cache(maxItems: Int?, maxSize: Int?) -> BackendCache {
        shared.withLock { cache in
            if let cache { return cache }
            let made = BackendCache(maxItems: maxItems, maxSize: maxSize)
            cache = made
            return made
        }
    }
}

private func trimmed(_ s: Substring) -> String {
    String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
}
