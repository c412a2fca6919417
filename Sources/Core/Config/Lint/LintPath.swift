/// Where a value sits in the configuration, as a list of steps from the root.
///
/// Kept structured until the end so that problems sort the way people read
/// them (`endpoints[2]` before `endpoints[10]`), then rendered as
/// `endpoints[3].backend[0].url_pattern`.
enum LintPathStep: Sendable, Hashable {
    case key(String)
    case index(Int)
}

extension Array where Element == LintPathStep {
    var rendered: String {
        var out = ""
        for step in self {
            switch step {
            case .key(let key): out += out.isEmpty ? key : "." + key
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }

    /// Step by step: indices numerically, keys alphabetically, a parent before its children.
    static func precedes(_ a: Self, _ b: Self) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            switch (x, y) {
            case (.index(let i), .index(let j)): return i < j
            case (.key(let k), .key(let l)): return k < l
            case (.index, .key): return true
            case (.key, .index): return false
            }
        }
        return a.count < b.count
    }
}
