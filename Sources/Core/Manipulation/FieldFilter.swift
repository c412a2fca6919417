/// A backend's `allow` or `deny` list, its dotted paths split once into a tree
/// of field names (Lura's `newAllowlistingFilter` / `newDenylistingFilter`).
///
/// Both walk objects only: a path that meets an array or a scalar before its
/// last segment does not look inside it (the manual: "the operator works with
/// objects only and not with arrays"). For `allow` such a branch is dropped,
/// for `deny` it is left as it is.
enum FieldFilter: Sendable {
    /// Only these fields survive.
    case allow([String: FieldTree])
    /// These fields are removed.
    case deny([String: FieldTree])

    /// `nil` when both lists are empty. A non-empty `allow` wins and `deny` is
    /// then ignored, as in Lura.
    init?(allow: [String], deny: [String]) {
        if !allow.isEmpty {
            var tree: [String: FieldTree] = [:]
            for path in allow { FieldTree.insertAllowed(FieldTree.segments(path)[...], into: &tree) }
            self = .allow(tree)
        } else if !deny.isEmpty {
            var tree: [String: FieldTree] = [:]
            for path in deny { FieldTree.insertDenied(FieldTree.segments(path)[...], into: &tree) }
            self = .deny(tree)
        } else {
            return nil
        }
    }

    func apply(_ data: inout [String: Value]) {
        switch self {
        case .allow(let tree): data = FieldFilter.keep(tree, in: data)
        case .deny(let tree): FieldFilter.remove(tree, from: &data)
        }
    }

    /// The members of `object` that `tree` allows. A branch whose value is not
    /// an object, or whose allowed members are all missing, is dropped entirely
    /// (no empty `{}` left behind), like Lura's `AllowlistPrune`.
    private static func keep(_ tree: [String: FieldTree], in object: [String: Value]) -> [String: Value] {
        var out = [String: Value](minimumCapacity: Swift.min(tree.count, object.count))
        for (key, sub) in tree {
            guard let value = object[key] else { continue }
            switch sub {
            case .leaf:
                out[key] = value
            case .branch(let subTree):
                guard case .object(let inner) = value else { continue }
                let kept = keep(subTree, in: inner)
                if !kept.isEmpty { out[key] = .object(kept) }
            }
        }
        return out
    }

    /// Removes the fields of `tree` from `object`, in place (Lura's `recDelete`).
    private static func remove(_ tree: [String: FieldTree], from object: inout [String: Value]) {
        for (key, sub) in tree {
            switch sub {
            case .leaf:
                object.removeValue(forKey: key)
            case .branch(let subTree):
                guard let index = object.index(forKey: key),
                      case .object = object.values[index] else { continue }
                // Take the nested object out so that it is uniquely referenced
                // and mutated in place rather than copied.
                var taken = object.values[index]
                object.values[index] = .null
                guard case .object(var inner) = taken else { continue }
                taken = .null
                remove(subTree, from: &inner)
                object.values[index] = .object(inner)
            }
        }
    }
}

/// The field names of a set of dotted paths, as a tree.
indirect enum FieldTree: Sendable, Equatable {
    /// The path ends here: the whole value is allowed (or denied).
    case leaf
    /// The path goes on into these members.
    case branch([String: FieldTree])

    /// `a.b.c` → `["a", "b", "c"]`; empty segments are kept, as Go's `strings.Split` does.
    static func segments(_ path: String) -> [String] {
        path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// Lura's `buildDictPath` followed by setting the leaf: existing branches are
    /// followed, a leaf met on the way is replaced by a branch, and the last
    /// segment becomes a leaf even if it was a branch. So the last path of the
    /// list wins: `["a", "a.b"]` allows only `a.b`, `["a.b", "a"]` all of `a`.
    static func insertAllowed(_ path: ArraySlice<String>, into tree: inout [String: FieldTree]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            tree[key] = .leaf
            return
        }
        var child: [String: FieldTree] = [:]
        if case .branch(let existing)? = tree.removeValue(forKey: key) { child = existing }
        insertAllowed(path.dropFirst(), into: &child)
        tree[key] = .branch(child)
    }

    /// Lura's `buildDenyTree`: a leaf (delete the whole value) absorbs any
    /// deeper path, whatever the order of the list.
    static func insertDenied(_ path: ArraySlice<String>, into tree: inout [String: FieldTree]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            tree[key] = .leaf
            return
        }
        var child: [String: FieldTree] = [:]
        switch tree.removeValue(forKey: key) {
        case .leaf?:
            tree[key] = .leaf
            return
        case .branch(let existing)?:
            child = existing
        case nil:
            break
        }
        insertDenied(path.dropFirst(), into: &child)
        tree[key] = .branch(child)
    }
}
