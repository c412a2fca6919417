// The working tree of one flatmap run: a port of github.com/krakend/flatmap's
// `tree` package, which Lura uses for `flatmap_filter`. Objects and arrays are
// nodes whose children hang from labelled edges (member names, or "0", "1", ...
// for array items), and every operation works on labels. That model explains
// KrakenD's observable quirks, kept here on purpose:
//
// - labels are not renumbered within a run: after `del a.0`, `a.1` still names
//   the item that was second;
// - an object or array whose children were all moved or deleted becomes
//   `null` (the manual: "Delete zone as it became a null object");
// - a move's destination only matters from where the source's parent is
//   (see `move`), and the last source segment is a literal label, never a wildcard.
//
// Unlike Go, subtrees no operation reaches are never split into nodes: a node
// keeps the `Value` it stands for (`raw`) until an operation looks inside.

/// One node: an object, an array or a leaf value.
final class FlatmapNode {
    /// Content not split into edges yet; stands for Go's `flatten(raw)`.
    private var raw: Value?
    /// A leaf's value (Go's `node.Value`). An emptied object or array keeps `.null`.
    var value: Value = .null
    var isCollection = false
    var edges: [FlatmapEdge] = []

    init() {}
    init(raw: Value) { self.raw = raw }

    /// Splits `raw` one level into edges, Go's `flatten` on a fresh node.
    /// Object members are taken in key order so that runs are deterministic
    /// (Go uses its random map order).
    func materialize() {
        guard let content = raw else { return }
        raw = nil
        switch content {
        case .object(let members) where !members.isEmpty:
            edges.reserveCapacity(members.count)
            if members.count == 1, let (key, member) = members.first {
                edges.append(FlatmapEdge(label: key, node: FlatmapNode(raw: member)))
                return
            }
            for (key, member) in members.sorted(by: { utf8BytesLess($0.key, $1.key) }) {
                edges.append(FlatmapEdge(label: key, node: FlatmapNode(raw: member)))
            }
        case .array(let items) where !items.isEmpty:
            isCollection = true
            edges.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                edges.append(FlatmapEdge(label: String(index), node: FlatmapNode(raw: item)))
            }
        case .array:
            isCollection = true
            value = content
        default:
            value = content
        }
    }

    /// The raw array this node still stands for, if it was never split.
    var rawArray: [Value]? {
        if case .array(let items)? = raw { return items }
        return nil
    }

    func replaceRaw(_ content: Value) { raw = content }

    private func edgeIndex(_ label: String) -> Int? {
        edges.firstIndex { $0.label == label }
    }

    /// The child reached by the first edge labelled `label`.
    func child(_ label: String) -> FlatmapNode? {
        materialize()
        return edgeIndex(label).map { edges[$0].node }
    }

    /// Go's `node.Expand`/`Get()`: the value the node stands for.
    func expand() -> Value {
        if let raw { return raw }
        if edges.isEmpty { return value }
        if isCollection { return .array(edges.map { $0.node.expand() }) }
        var members = [String: Value](minimumCapacity: edges.count)
        for edge in edges { members[edge.label] = edge.node.expand() }  // a repeated label: the last wins
        return .object(members)
    }

    /// Go's `node.Get`: the value at `path`, `*` gathering every child into an
    /// array; `.null` when nothing is there.
    func get(_ path: ArraySlice<String>) -> Value {
        guard let label = path.first else { return expand() }
        materialize()
        if edges.isEmpty { return .null }
        if label == FlatmapTree.wildcard {
            return .array(edges.map { $0.node.get(path.dropFirst()) })
        }
        guard let index = edgeIndex(label) else { return .null }
        return edges[index].node.get(path.dropFirst())
    }

    /// Go's `node.Del`: removes the last segment's edge; `*` matches every edge.
    func delete(_ path: ArraySlice<String>) {
        guard let label = path.first else { return }
        if path.count == 1, deleteUnsplit(label) { return }
        materialize()
        if edges.isEmpty { return }
        if label == FlatmapTree.wildcard {
            if path.count > 1 {
                for edge in edges { edge.node.delete(path.dropFirst()) }
            } else {
                edges.removeAll()
            }
            return
        }
        guard let index = edgeIndex(label) else { return }
        if path.count == 1 {
            edges.remove(at: index)
        } else {
            edges[index].node.delete(path.dropFirst())
        }
    }

    /// `delete([label])` without splitting `raw`, when that gives the same node:
    /// a member of an object that keeps others, or every child (`*`).
    private func deleteUnsplit(_ label: String) -> Bool {
        guard var content = raw else { return false }
        raw = nil  // `content` is now the only owner: edits below are in place
        switch content {
        case .object(var members) where !members.isEmpty:
            content = .null
            if label == FlatmapTree.wildcard {
                isCollection = false
                value = .null  // an emptied object
                return true
            }
            if members.count == 1 && members[label] != nil {
                raw = .object(members)
                return false  // its last member: the split node becomes null
            }
            members.removeValue(forKey: label)
            raw = .object(members)
            return true
        case .array(let items) where !items.isEmpty && label == FlatmapTree.wildcard:
            isCollection = true
            value = .null  // an emptied array
            return true
        default:
            raw = content
            return false
        }
    }

    /// A same-length move's relabelling of one member without splitting `raw`,
    /// when the member's place among the others (they are taken in key order)
    /// stays the same and the new name is free. False when the node must be split.
    func relabelUnsplit(_ from: String, to: String) -> Bool {
        guard var content = raw, case .object(var members) = content else { return false }
        raw = nil
        content = .null  // `members` is now the only owner: edits below are in place
        defer { raw = .object(members) }
        guard members[from] != nil, from != to else { return true }  // nothing to do
        if members[to] != nil { return false }
        let (low, high) = utf8BytesLess(from, to) ? (from, to) : (to, from)
        for key in members.keys where utf8BytesLess(low, key) && utf8BytesLess(key, high) { return false }
        let member = members.removeValue(forKey: from)
        members[to] = member
        return true
    }

    /// Go's `node.Add`: walks (or creates) the literal labels of `path`, then
    /// merges `content` into the node there.
    func add(_ path: ArraySlice<String>, _ content: Value) {
        guard let label = path.first else {
            merge(content)
            return
        }
        materialize()
        if let index = edgeIndex(label) {
            edges[index].node.add(path.dropFirst(), content)
            return
        }
        let child = path.count == 1 ? FlatmapNode(raw: content) : FlatmapNode()
        edges.append(FlatmapEdge(label: label, node: child))
        if path.count > 1 { child.add(path.dropFirst(), content) }
    }

    /// Go's `node.flatten` on a node that may already have children: members
    /// and items are added by label, on top of what is there.
    private func merge(_ content: Value) {
        // Content that is this unsplit node's own storage (Append re-adds the
        // destination's items, read back from it) changes nothing: skip it
        // rather than split and walk a subtree no operation asked for.
        if let raw, FlatmapNode.sameStorage(raw, content) { return }
        materialize()
        switch content {
        case .object(let members):
            isCollection = false
            if members.isEmpty {
                value = content
                return
            }
            for (key, member) in members.sorted(by: { utf8BytesLess($0.key, $1.key) }) {
                add([key], member)
            }
        case .array(let items):
            isCollection = true
            if items.isEmpty {
                value = content
                return
            }
            for (index, item) in items.enumerated() { add([String(index)], item) }
        default:
            isCollection = false
            value = content
        }
    }
}

extension FlatmapNode {
    /// True when both are the same object or array buffer, hence equal.
    static func sameStorage(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return withUnsafeBytes(of: x) { p in withUnsafeBytes(of: y) { p.elementsEqual($0) } }
        case (.array(let x), .array(let y)):
            return withUnsafeBytes(of: x) { p in withUnsafeBytes(of: y) { p.elementsEqual($0) } }
        default:
            return false
        }
    }
}

/// A labelled link from a node to a child.
struct FlatmapEdge {
    var label: String
    var node: FlatmapNode
}

/// The operations of `flatmap_filter` on one response (Go's `tree.Tree`).
struct FlatmapTree {
    static let wildcard = "*"

    let root: FlatmapNode

    init(_ data: [String: Value]) {
        root = FlatmapNode(raw: .object(data))
    }

    /// The result. Go gives a nil map (rendered `null`) when every member of the
    /// root was moved or deleted; here that is an empty object.
    var result: [String: Value] {
        if case .object(let members) = root.expand() { return members }
        return [:]
    }

    func get(_ path: [String]) -> Value { root.get(path[...]) }

    func delete(_ path: [String]) { root.delete(path[...]) }

    /// Go's `Tree.Append`: both paths must hold arrays; the source's items go
    /// after the destination's and the source is deleted.
    func append(_ source: [String], to destination: [String]) {
        guard case .array(let appended) = root.get(source[...]),
              case .array(let existing) = root.get(destination[...]) else { return }
        // Usual case, an untouched non-empty destination array: re-adding its
        // own items by label changes nothing, so only the new items count. (An
        // empty one goes the long way: Go's node keeps `[]` as its value, which
        // shows again if every item is deleted later.)
        if !destination.contains(FlatmapTree.wildcard),
           let node = node(at: destination), node.rawArray?.isEmpty == false {
            node.replaceRaw(.array(existing + appended))
        } else {
            root.add(destination[...], .array(existing + appended))
        }
        root.delete(source[...])
    }

    /// The node at the literal labels of `path`, without creating anything.
    private func node(at path: [String]) -> FlatmapNode? {
        var node = root
        for label in path {
            guard let next = node.child(label) else { return nil }
            node = next
        }
        return node
    }

    /// Go's `Tree.Move`. Source and destination lengths decide what happens:
    /// - same length: relabel — only the last segment of the destination is
    ///   used, the source's parents stay where they are;
    /// - longer source (promotion): the edge is re-attached by walking the
    ///   destination's parents from the root, `*` standing for the label the
    ///   source matched at that depth; a missing parent stops the walk and the
    ///   edge lands on the deepest one found;
    /// - shorter source (embedding): the destination's segments from the
    ///   source's last position on are created under the source's parent.
    func move(_ source: [String], to destination: [String]) {
        guard let sourceLabel = source.last, let destinationLabel = destination.last else { return }
        // Only a promotion through a `*` needs the labels each candidate was reached by.
        let promotion = source.count > destination.count
        let needsPaths = promotion && destination.dropLast().contains(FlatmapTree.wildcard)
        var candidates = [Candidate(node: root, path: [])]
        if source.count > 1 {
            candidates = Self.collect(source.dropLast(), from: candidates, keepingPaths: needsPaths)
        }
        let relabel = source.count == destination.count
        var moving: [(candidate: Candidate, edge: FlatmapEdge)] = []
        for candidate in candidates {
            let parent = candidate.node
            if relabel, parent.relabelUnsplit(sourceLabel, to: destinationLabel) { continue }
            parent.materialize()
            guard let index = parent.edges.firstIndex(where: { $0.label == sourceLabel }) else { continue }
            if relabel {
                parent.edges[index].label = destinationLabel
            } else {
                moving.append((candidate, parent.edges.remove(at: index)))
            }
        }
        if relabel || moving.isEmpty { return }

        if promotion {
            for (candidate, edge) in moving {
                var parent = root
                for (depth, segment) in destination.dropLast().enumerated() {
                    let label = segment == FlatmapTree.wildcard ? candidate.path[depth] : segment
                    guard let next = parent.child(label) else { break }
                    parent = next
                }
                attach(edge, as: destinationLabel, to: parent)
            }
        } else {
            let relative = destination[(source.count - 1)...]
            for (candidate, edge) in moving {
                var parent = candidate.node
                for label in relative.dropLast() {
                    if let next = parent.child(label) {
                        parent = next
                    } else {
                        let created = FlatmapNode()
                        parent.edges.append(FlatmapEdge(label: label, node: created))
                        parent = created
                    }
                }
                attach(edge, as: destinationLabel, to: parent)
            }
        }
    }

    private func attach(_ edge: FlatmapEdge, as label: String, to parent: FlatmapNode) {
        var edge = edge
        edge.label = label
        parent.materialize()
        parent.edges.append(edge)
    }

    /// A node matched by a source path's parents, and the labels leading to it
    /// (left empty when the move does not need them).
    struct Candidate {
        var node: FlatmapNode
        var path: [String]
    }

    /// Go's `collectMoveCandidates`: the nodes at `path`, `*` matching every edge.
    static func collect(_ path: ArraySlice<String>, from start: [Candidate], keepingPaths: Bool) -> [Candidate] {
        var current = start
        for segment in path {
            var next: [Candidate] = []
            for candidate in current {
                let node = candidate.node
                node.materialize()
                if segment == wildcard {
                    next.reserveCapacity(next.count + node.edges.count)
                    for edge in node.edges {
                        next.append(Candidate(node: edge.node, path: keepingPaths ? candidate.path + [edge.label] : []))
                    }
                } else if let edge = node.edges.first(where: { $0.label == segment }) {
                    next.append(Candidate(node: edge.node, path: keepingPaths ? candidate.path + [edge.label] : []))
                }
            }
            current = next
        }
        return current
    }
}
