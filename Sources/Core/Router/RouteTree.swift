/// The routes of one HTTP method, as a tree of path segments.
///
/// gin keeps one radix tree per method, so its collision rules (and ours)
/// apply per method: `GET /user/{a}` and `POST /user/{b}/x` coexist.
///
/// Each node can have, for the next segment, static children (tried first),
/// `disable_rest` mixed patterns such as `file.{ext}` (next), and a single
/// whole-segment variable (last). A failed branch falls back to the next
/// kind, as gin >= 1.8 does, so `/user/new` and `/user/{id}/profile` both
/// work for `/user/new/profile`.
///
/// Storage: what the exact match reads (`nodes`, `statics`) is plain values
/// reached by index; names, texts and pattern details used when inserting or
/// on the slow paths live in side arrays indexed by node.
struct RouteTree: Sendable {
    let method: String
    /// `nodes[0]` is the root.
    private(set) var nodes: [RouteNode] = [RouteNode()]
    private(set) var statics = StaticEdgeTable()
    private(set) var leaves: [RouteLeaf] = []
    /// Per node: its static edges (for the case-insensitive walk).
    private(set) var staticEdges: [[StaticEdge]] = [[]]
    /// Per node: its variable edge.
    private(set) var variableEdges: [VariableEdge?] = [nil]
    /// Per node: its mixed edges, most literal text first.
    private(set) var mixedEdges: [[MixedEdge]] = [[]]
    /// The most variables of any route, to size the match scratch space.
    private(set) var maxVariables = 0

    init(method: String) {
        self.method = method
    }

    /// Adds a route; checks every conflict before changing anything so a
    /// failed insert leaves the tree untouched.
    mutating func insert(_ pattern: RoutePattern, handler: Int) throws(RouteError) {
        var node = 0
        var index = 0
        let segments = pattern.segments

        // Follow the edges the route shares with existing ones.
        walk: while index < segments.count {
            switch segments[index] {
            case .literal(let key):
                let child = statics.child(of: node, key: key)
                guard child >= 0 else { break walk }
                node = child
            case .variable(let name):
                guard let edge = variableEdges[node] else { break walk }
                if edge.name != name {
                    throw .conflictingVariables(
                        path: pattern.path, segment: "{\(name)}", existingPath: edge.firstPath,
                        existingSegment: "{\(edge.name)}")
                }
                node = edge.child
            case .mixed(let mixed):
                guard let edge = mixedEdges[node].first(where: { $0.segment.hasSameShape(as: mixed) }) else {
                    break walk
                }
                if edge.segment.variableNames != mixed.variableNames {
                    throw .conflictingVariables(
                        path: pattern.path, segment: mixed.display, existingPath: edge.firstPath,
                        existingSegment: edge.segment.display)
                }
                node = edge.child
            }
            index += 1
        }
        if index == segments.count, nodes[node].leaf >= 0 {
            throw .duplicateRoute(method: method, path: pattern.path)
        }

        // The rest of the route is new: nothing left to conflict with.
        while index < segments.count {
            let child = addNode()
            switch segments[index] {
            case .literal(let key):
                statics.insert(parent: node, key: key, child: child)
                staticEdges[node].append(StaticEdge(key: key, child: child))
                nodes[node].hasStatics = true
            case .variable(let name):
                variableEdges[node] = VariableEdge(name: name, child: child, firstPath: pattern.path)
                nodes[node].variableChild = child
            case .mixed(let mixed):
                // More text first (more specific), then in registration order.
                let edge = MixedEdge(segment: mixed, child: child, firstPath: pattern.path)
                let position =
                    mixedEdges[node].firstIndex { $0.segment.literalLength < mixed.literalLength }
                    ?? mixedEdges[node].count
                mixedEdges[node].insert(edge, at: position)
                nodes[node].hasMixed = true
            }
            node = child
            index += 1
        }
        nodes[node].leaf = leaves.count
        leaves.append(RouteLeaf(handler: handler, path: pattern.path, variableNames: pattern.variableNames))
        maxVariables = max(maxVariables, pattern.variableNames.count)
    }

    private mutating func addNode() -> Int {
        nodes.append(RouteNode())
        staticEdges.append([])
        variableEdges.append(nil)
        mixedEdges.append([])
        return nodes.count - 1
    }
}

/// A position in the tree: what the next path segment may be. Plain values
/// only, so walking the tree involves no reference counting.
struct RouteNode: Sendable {
    /// Index in `leaves` when a route ends here, else -1.
    var leaf = -1
    /// The node reached through the whole-segment variable, else -1.
    var variableChild = -1
    var hasStatics = false
    var hasMixed = false
}

struct StaticEdge: Sendable {
    let key: [UInt8]
    let child: Int
}

struct VariableEdge: Sendable {
    let name: String
    let child: Int
    /// The route that created the edge, for conflict messages.
    let firstPath: String
}

struct MixedEdge: Sendable {
    let segment: MixedSegment
    let child: Int
    let firstPath: String
}

struct RouteLeaf: Sendable {
    /// Index of the handler in the router's list.
    let handler: Int
    /// The endpoint as declared.
    let path: String
    /// All the route's variables in path order: the values found while
    /// matching come in the same order.
    let variableNames: [String]
}
