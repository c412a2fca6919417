/// KrakenD's array manipulation: the operations of an
/// `extra_config.proxy.flatmap_filter` list, run top-down on a response
/// (the manual's "Array manipulation" page; Lura's `flatmapFormatter` over
/// github.com/krakend/flatmap).
///
/// Arguments are dotted paths where a number names an array item and `*`
/// any member or item:
/// - `move [from, to]`: moves, renames, extracts or embeds `from`;
/// - `del [path, ...]`: deletes every match of each path;
/// - `append [from, to]`: when both hold arrays, `to` becomes its own items
///   followed by `from`'s, and `from` is deleted.
///
/// At backend level it replaces `allow`, `deny` and `mapping` (see
/// `ResponseManipulation` for the order of the steps); at endpoint level it runs
/// on the merged response, and only when the endpoint has more than one backend.
public struct FlatmapFilter: Sendable {
    enum Operation: Sendable, Equatable {
        case move(from: [String], to: [String])
        case delete([[String]])
        case append(from: [String], to: [String])
    }

    let operations: [Operation]

    /// True when there is nothing to run. An empty `flatmap_filter` list does not
    /// count as a flatmap in KrakenD: `allow`, `deny` and `mapping` then apply.
    public var isEmpty: Bool { operations.isEmpty }

    /// Reads the `flatmap_filter` array. Every problem is reported, each with its
    /// path under `path`: anything KrakenD would crash on (missing arguments) or
    /// the schema rejects in an operation's `type` and `args`. Extra members of
    /// an operation are left to the schema linter, as KrakenD ignores them.
    public init(_ config: Value, path: String = "extra_config.proxy.flatmap_filter") throws(ConfigError) {
        guard case .array(let items) = config else {
            throw ConfigError(path: path, "expected array of operations, got \(config.typeName)")
        }
        var problems: [ConfigProblem] = []
        var operations: [Operation] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            if let operation = Self.operation(item, path: itemPath, problems: &problems) {
                operations.append(operation)
            }
        }
        if !problems.isEmpty { throw ConfigError(problems) }
        self.operations = operations
    }

    /// The filter of an `extra_config` (an endpoint's or a backend's), or `nil`
    /// when it has no `proxy.flatmap_filter` or an empty one. `path` is where
    /// that `extra_config` is, e.g. `endpoints[0].backend[1].extra_config`.
    public static func fromExtraConfig(_ extraConfig: [String: Value], path: String = "extra_config") throws(ConfigError) -> FlatmapFilter? {
        guard case .object(let proxy)? = extraConfig["proxy"], let list = proxy["flatmap_filter"] else { return nil }
        let filter = try FlatmapFilter(list, path: "\(path).proxy.flatmap_filter")
        return filter.isEmpty ? nil : filter
    }

    /// Runs the operations in order. Untouched parts of `value` are not copied.
    public func apply(_ value: consuming [String: Value]) -> [String: Value] {
        if operations.isEmpty { return value }
        let tree = FlatmapTree(value)
        for operation in operations {
            switch operation {
            case .move(let from, let to): tree.move(from, to: to)
            case .delete(let paths): for path in paths { tree.delete(path) }
            case .append(let from, let to): tree.append(from, to: to)
            }
        }
        return tree.result
    }

    private static func operation(_ item: Value, path: String, problems: inout [ConfigProblem]) -> Operation? {
        guard case .object(let fields) = item else {
            problems.append(ConfigProblem(path: path, message: "expected object, got \(item.typeName)"))
            return nil
        }
        let type: String?
        switch fields["type"] {
        case nil:
            problems.append(ConfigProblem(path: path, message: "missing required property \"type\""))
            type = nil
        case .string(let name)? where ["move", "del", "append"].contains(name):
            type = name
        case .string(let name)?:
            problems.append(ConfigProblem(path: "\(path).type", message: "\"\(name)\" is not one of: move, del, append"))
            type = nil
        case let other?:
            problems.append(ConfigProblem(path: "\(path).type", message: "expected string, got \(other.typeName)"))
            type = nil
        }

        var args: [[String]]?
        switch fields["args"] {
        case nil:
            problems.append(ConfigProblem(path: path, message: "missing required property \"args\""))
        case .array(let values)?:
            var split: [[String]] = []
            for (index, value) in values.enumerated() {
                if case .string(let text) = value {
                    split.append(FieldTree.segments(text))
                } else {
                    problems.append(ConfigProblem(path: "\(path).args[\(index)]", message: "expected string, got \(value.typeName)"))
                }
            }
            if split.count == values.count { args = split }
        case let other?:
            problems.append(ConfigProblem(path: "\(path).args", message: "expected array of strings, got \(other.typeName)"))
        }

        guard let type, let args else { return nil }
        if type == "del" { return .delete(args) }
        // Go reads args[0] and args[1] unchecked; further arguments are ignored.
        guard args.count >= 2 else {
            problems.append(ConfigProblem(path: "\(path).args", message: "\(type) needs two arguments: [\"from\", \"to\"]"))
            return nil
        }
        return type == "move" ? .move(from: args[0], to: args[1]) : .append(from: args[0], to: args[1])
    }
}
