import Foundation
import TOMLKit
import Yams

/// Reads a configuration file in any supported format (JSON, YAML, TOML, by
/// its extension) and parses it into a `ServiceConfig`.
public enum ConfigLoader {
    public enum Format: String, Sendable { case json, yaml, toml }

    public static func format(of path: String) -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "yaml", "yml": return .yaml
        case "toml": return .toml
        default: return .json
        }
    }

    /// The document as a `Value`, before any interpretation.
    public static func readDocument(path: String) throws(ConfigError) -> Value {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read the configuration file \(path)")
        }
        return try parseDocument(data, format: format(of: path), name: path)
    }

    public static func parseDocument(_ data: Data, format: Format, name: String = "configuration") throws(ConfigError) -> Value {
        switch format {
        case .json:
            do { return try Value(json: data) } catch {
                throw ConfigError("\(name): invalid JSON: \(error)")
            }
        case .yaml:
            guard let text = String(data: data, encoding: .utf8) else { throw ConfigError("\(name): not UTF-8 text") }
            do {
                guard let node = try Yams.compose(yaml: text) else { return .object([:]) }
                return try Value(yaml: node)
            } catch {
                throw ConfigError("\(name): invalid YAML: \(error)")
            }
        case .toml:
            guard let text = String(data: data, encoding: .utf8) else { throw ConfigError("\(name): not UTF-8 text") }
            do {
                return Value(toml: try TOMLTable(string: text))
            } catch {
                throw ConfigError("\(name): invalid TOML: \(error)")
            }
        }
    }

    /// Reads, applies the `KRAKEND_*` environment overrides and parses.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> ServiceConfig {
        try ConfigParser.parse(readDocument(path: path), environment: environment)
    }
}

extension Value {
    /// A YAML node as a value: mappings, sequences and scalars resolved with the
    /// YAML 1.1 core tags (`true`, `3`, `2.5`, `~`), keys as strings.
    init(yaml node: Node) throws {
        switch node {
        case .scalar(let scalar):
            // Tags resolve as YAML does: a quoted "true" stays a string.
            if node.null != nil { self = .null }
            else if let b = node.bool { self = .bool(b) }
            else if let i = node.int { self = Value(i) }
            else if let d = node.float, d.isFinite { self = .number(Value.format(d)) }
            else { self = .string(scalar.string) }
        case .sequence(let seq):
            self = .array(try seq.map { try Value(yaml: $0) })
        case .mapping(let map):
            var out: [String: Value] = [:]
            for (k, v) in map {
                guard let key = k.string else { throw ConfigError("YAML keys must be scalars") }
                out[key] = try Value(yaml: v)
            }
            self = .object(out)
        case .alias:
            throw ConfigError("YAML aliases are not supported")
        }
    }

    init(toml value: TOMLValueConvertible) {
        switch value.type {
        case .bool: self = .bool(value.bool ?? false)
        case .int: self = Value(value.int ?? 0)
        case .double: self = .number(Value.format(value.double ?? 0))
        case .string: self = .string(value.string ?? "")
        case .array:
            self = .array((value.array ?? TOMLArray()).map { Value(toml: $0) })
        case .table:
            var out: [String: Value] = [:]
            for (k, v) in value.table ?? TOMLTable() { out[k] = Value(toml: v) }
            self = .object(out)
        default:
            // Dates and times have no JSON form: kept as their TOML text.
            self = .string(value.debugDescription)
        }
    }

    init(toml table: TOMLTable) { self = Value(toml: table as TOMLValueConvertible) }

    /// A double as a JSON number literal (integral values without a fraction).
    static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
