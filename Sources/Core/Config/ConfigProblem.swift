/// One thing wrong with a configuration, and where: `endpoints[3].backend[0].url_pattern`.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every problem found in a configuration, reported at once.
public struct ConfigError: Error, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(_ problems: [ConfigProblem]) { self.problems = problems }
    public init(path: String = "", _ message: String) { self.problems = [ConfigProblem(path: path, message: message)] }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads typed fields out of one configuration object, remembering where it is
/// and collecting problems instead of stopping at the first.
struct ObjectReader {
    let object: [String: Value]
    let path: String
    let problems: ProblemList

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { object[key] != nil }

    func problem(_ key: String, _ message: String) { problems.add(childPath(key), message) }

    func string(_ key: String) -> String? {
        guard let v = object[key] else { return nil }
        guard case .string(let s) = v else { problem(key, "expected string, got \(v.typeName)"); return nil }
        return s
    }

    func bool(_ key: String) -> Bool? {
        guard let v = object[key] else { return nil }
        guard case .bool(let b) = v else { problem(key, "expected boolean, got \(v.typeName)"); return nil }
        return b
    }

    func int(_ key: String) -> Int? {
        guard let v = object[key] else { return nil }
        guard let i = v.intValue else { problem(key, "expected integer, got \(v.typeName)"); return nil }
        return i
    }

    func duration(_ key: String) -> Duration? {
        guard let text = string(key) else { return nil }
        guard let d = GoDuration.parse(text) else {
            problem(key, "invalid duration \"\(text)\" (use units like 300ms, 2s, 1m)")
            return nil
        }
        return d
    }

    func strings(_ key: String) -> [String]? {
        guard let v = object[key] else { return nil }
        guard case .array(let items) = v else { problem(key, "expected array of strings, got \(v.typeName)"); return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if case .string(let s) = item { out.append(s) } else { problems.add("\(childPath(key))[\(i)]", "expected string, got \(item.typeName)") }
        }
        return out
    }

    func object(_ key: String) -> ObjectReader? {
        guard let v = object[key] else { return nil }
        guard case .object(let o) = v else { problem(key, "expected object, got \(v.typeName)"); return nil }
        return ObjectReader(object: o, path: childPath(key), problems: problems)
    }

    func objects(_ key: String) -> [ObjectReader]? {
        guard let v = object[key] else { return nil }
        guard case .array(let items) = v else { problem(key, "expected array of objects, got \(v.typeName)"); return nil }
        var out: [ObjectReader] = []
        for (i, item) in items.enumerated() {
            let p = "\(childPath(key))[\(i)]"
            if case .object(let o) = item { out.append(ObjectReader(object: o, path: p, problems: problems)) } else { problems.add(p, "expected object, got \(item.typeName)") }
        }
        return out
    }

    func oneOf(_ key: String, _ allowed: [String]) -> String? {
        guard let s = string(key) else { return nil }
        guard allowed.contains(s) else {
            problem(key, "\"\(s)\" is not one of: \(allowed.joined(separator: ", "))")
            return nil
        }
        return s
    }
}

/// Problems collected while reading; a class so that nested readers share it.
final class ProblemList {
    private(set) var items: [ConfigProblem] = []
    func add(_ path: String, _ message: String) { items.append(ConfigProblem(path: path, message: message)) }
}
