extension RouteTree {
    /// gin's `findCaseInsensitivePath`: matches `path` ignoring ASCII case
    /// and returns it with the static text spelled as registered (variable
    /// values stay as the client sent them), or `nil`.
    ///
    /// Only used on the slow path, after an exact lookup failed.
    func caseInsensitivePath(_ path: String) -> String? {
        let bytes = Array(path.utf8)
        guard bytes.first == PathBytes.slash else { return nil }
        var slots = [Int](repeating: 0, count: 2 * maxVariables + 2)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 1)
        let found = bytes.withUnsafeBufferPointer { path in
            slots.withUnsafeMutableBufferPointer { slots in
                ciMatch(node: 0, start: 1, path, &out, slots)
            }
        }
        return found ? String(decoding: out, as: UTF8.self) : nil
    }

    private func ciMatch(
        node index: Int, start: Int, _ path: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8],
        _ slots: UnsafeMutableBufferPointer<Int>
    ) -> Bool {
        if start > path.count { return nodes[index].leaf >= 0 }
        var end = start
        while end < path.count && path[end] != PathBytes.slash { end += 1 }
        let segment = UnsafeBufferPointer(rebasing: path[start..<end])
        let next = end + 1
        let mark = out.count

        // Exact spelling first, then any static equal but for case.
        let exact = statics.child(of: index, key: Array(segment))
        if exact >= 0 {
            out.append(PathBytes.slash)
            out.append(contentsOf: segment)
            if ciMatch(node: exact, start: next, path, &out, slots) { return true }
            out.removeSubrange(mark...)
        }
        for edge in staticEdges[index]
        where edge.child != exact && PathBytes.equal(edge.key, segment, caseInsensitive: true) {
            out.append(PathBytes.slash)
            out.append(contentsOf: edge.key)
            if ciMatch(node: edge.child, start: next, path, &out, slots) { return true }
            out.removeSubrange(mark...)
        }

        for edge in mixedEdges[index] where edge.segment.match(segment, offset: 0, caseInsensitive: true, into: slots) {
            out.append(PathBytes.slash)
            var variable = 0
            for piece in edge.segment.pieces {
                switch piece {
                case .literal(let text):
                    out.append(contentsOf: text)
                case .variable:
                    out.append(contentsOf: segment[slots[2 * variable]..<slots[2 * variable + 1]])
                    variable += 1
                }
            }
            if ciMatch(node: edge.child, start: next, path, &out, slots) { return true }
            out.removeSubrange(mark...)
        }

        if let edge = variableEdges[index], end > start {
            out.append(PathBytes.slash)
            out.append(contentsOf: segment)
            if ciMatch(node: edge.child, start: next, path, &out, slots) { return true }
            out.removeSubrange(mark...)
        }
        return false
    }
}
