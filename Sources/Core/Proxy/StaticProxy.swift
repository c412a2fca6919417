/// `proxy.static`: data injected into the merged response when its strategy
/// matches how the backends did. The data wins every key collision.
struct StaticProxy: Sendable {
    enum Strategy: String, Sendable { case always, success, complete, errored, incomplete }

    let strategy: Strategy
    let data: [String: Value]

    init?(_ proxy: Value?) throws(ConfigError) {
        guard let config = proxy?["static"] else { return nil }
        guard let name = config["strategy"]?.stringValue, let strategy = Strategy(rawValue: name) else {
            throw ConfigError(path: "extra_config.proxy.static.strategy", "must be one of: always, success, complete, errored, incomplete")
        }
        guard case .object(let data)? = config["data"] else {
            throw ConfigError(path: "extra_config.proxy.static.data", "must be an object")
        }
        self.strategy = strategy
        self.data = data
    }

    /// The table of the manual: `errored` is "some backend failed",
    /// `incomplete` is "not every backend made it into the response".
    func applies(anyError: Bool, complete: Bool) -> Bool {
        switch strategy {
        case .always: return true
        case .success: return !anyError
        case .complete: return !anyError && complete
        case .errored: return anyError
        case .incomplete: return !complete
        }
    }
}
