extension RouteTree {
    /// Finds the route for `path` (bytes of a path starting with `/`).
    ///
    /// Returns the index of the route's leaf; the variable values are left
    /// in `values` as absolute `start, end` byte offsets into `path`, two
    /// slots per variable, in the leaf's `variableNames` order. `values`
    /// needs `2 * maxVariables` slots.
    func match(_ path: UnsafeBufferPointer<UInt8>, values: UnsafeMutableBufferPointer<Int>) -> Int? {
        withUnsafePointer(to: self) { Self.match(tree: $0, path, values: values) }
    }

    /// `match` on a tree reached through a pointer: the hot path uses this
    /// so the tree is never copied (a copy retains every array in it).
    static func match(
        tree: UnsafePointer<RouteTree>, _ path: UnsafeBufferPointer<UInt8>, values: UnsafeMutableBufferPointer<Int>
    ) -> Int? {
        guard path.first == PathBytes.slash else { return nil }
        let leaf = tree.pointee.nodes.withUnsafeBufferPointer { nodes in
            tree.pointee.statics.slots.withUnsafeBufferPointer { slots in
                tree.pointee.statics.keyBytes.withUnsafeBufferPointer { keyBytes in
                    tree.pointee.mixedEdges.withUnsafeBufferPointer { mixedEdges in
                        ExactMatcher(
                            nodes: nodes, slots: slots, keyBytes: keyBytes, mixedEdges: mixedEdges, path: path,
                            values: values
                        ).match(node: 0, start: 1, captured: 0)
                    }
                }
            }
        }
        return leaf >= 0 ? leaf : nil
    }

    /// Whether any route matches `path` (for redirects and 405 answers).
    func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * maxVariables + 2) { values in
                match(bytes, values: values) != nil
            }
        }
    }
}

/// A depth-first walk trying, for each segment, the static child, then the
/// mixed patterns, then the variable; backtracking when a branch dead-ends.
///
/// The backtracking is bounded by the size of the tree, whatever the
/// request: a node always sits at the same depth, so it only ever sees the
/// segment at that depth and is visited at most once per lookup.
private struct ExactMatcher {
    let nodes: UnsafeBufferPointer<RouteNode>
    let slots: UnsafeBufferPointer<StaticEdgeTable.Slot>
    let keyBytes: UnsafeBufferPointer<UInt8>
    let mixedEdges: UnsafeBufferPointer<[MixedEdge]>
    let path: UnsafeBufferPointer<UInt8>
    let values: UnsafeMutableBufferPointer<Int>

    /// `start` is the offset of the segment to match; past the end of the
    /// path means all segments were consumed. `captured` counts the values
    /// stored so far. Returns the leaf index or -1.
    func match(node index: Int, start: Int, captured: Int) -> Int {
        let node = nodes[index]
        if start > path.count { return node.leaf }
        var end = start
        while end < path.count && path[end] != PathBytes.slash { end += 1 }
        let segment = UnsafeBufferPointer(rebasing: path[start..<end])
        let next = end + 1

        if node.hasStatics {
            let child = StaticEdgeTable.child(of: index, key: segment, slots: slots, keyBytes: keyBytes)
            if child >= 0 {
                let leaf = match(node: child, start: next, captured: captured)
                if leaf >= 0 { return leaf }
            }
            // Go's server routes on the decoded path, so `/us%65r` reaches
            // `/user` in KrakenD; try that only when there is an escape.
            if segment.contains(PathBytes.percent), let decoded = PathBytes.percentDecoded(segment) {
                let child = decoded.withUnsafeBufferPointer {
                    StaticEdgeTable.child(of: index, key: $0, slots: slots, keyBytes: keyBytes)
                }
                if child >= 0 {
                    let leaf = match(node: child, start: next, captured: captured)
                    if leaf >= 0 { return leaf }
                }
            }
        }

        if node.hasMixed {
            for edge in mixedEdges[index] {
                let slots = UnsafeMutableBufferPointer(rebasing: values[(2 * captured)...])
                if edge.segment.match(segment, offset: start, caseInsensitive: false, into: slots) {
                    let leaf = match(
                        node: edge.child, start: next, captured: captured + edge.segment.variableNames.count)
                    if leaf >= 0 { return leaf }
                }
            }
        }

        // A variable matches one whole, non-empty segment.
        if node.variableChild >= 0, end > start {
            values[2 * captured] = start
            values[2 * captured + 1] = end
            let leaf = match(node: node.variableChild, start: next, captured: captured + 1)
            if leaf >= 0 { return leaf }
        }
        return -1
    }
}
