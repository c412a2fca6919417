/// The non-generic core of `Router`: the per-method trees, the options and
/// gin's order of decisions (match, trailing-slash redirect, fixed-path
/// redirect, 405, 404). Handlers are referred to by index.
@usableFromInline
struct RouteTable: Sendable {
    @usableFromInline init() {}

    var disableREST = false
    var redirectTrailingSlash = true
    var redirectFixedPath = true
    var handleMethodNotAllowed = true
    var removeExtraSlash = false
    var decodePath = false

    /// One tree per method, in order of first registration (which is the
    /// order of a 405's allowed list, as in gin).
    private var trees: [RouteTree] = []
    /// `trees[i].method`, searched without touching (copying) the trees.
    private var methods: [String] = []
    private(set) var routes: [(method: String, path: String)] = []

    mutating func add(method: String, path: String, handler: Int) throws(RouteError) {
        let method = String(decoding: method.utf8.map(PathBytes.uppercased), as: UTF8.self)
        guard !method.isEmpty, method.utf8.allSatisfy(isTokenByte) else {
            throw .invalidMethod(method: method, path: path)
        }
        let pattern = try RoutePattern(parsing: path, disableREST: disableREST)
        if let index = methods.firstIndex(of: method) {
            try trees[index].insert(pattern, handler: handler)
        } else {
            var tree = RouteTree(method: method)
            try tree.insert(pattern, handler: handler)
            trees.append(tree)
            methods.append(method)
        }
        routes.append((method, path))
    }

    @usableFromInline
    func lookup(method: String, path: String) -> RouteTableMatch {
        var path = path
        if removeExtraSlash && PathBytes.needsCleaning(path) { path = PathBytes.cleanPath(path) }

        let treeIndex = methods.firstIndex(of: method)
        if let treeIndex, let found = path.withUTF8({ find(inTree: treeIndex, path: $0) }) {
            return found
        }
        return unmatched(method: method, path: path, treeIndex: treeIndex)
    }

    @usableFromInline
    func lookup(method: String, path: Substring) -> RouteTableMatch {
        if !(removeExtraSlash && PathBytes.needsCleaning(path)), let treeIndex = methods.firstIndex(of: method) {
            var slice = path
            if let found = slice.withUTF8({ find(inTree: treeIndex, path: $0) }) { return found }
        }
        // Slow path: repeats the failed match on a copy, which is simpler
        // than threading slices through the redirect logic.
        return lookup(method: method, path: String(path))
    }

    func allowedMethods(path: String) -> [String] {
        trees.filter { $0.matches(path) }.map(\.method)
    }

    /// The exact match, on the path's UTF-8 bytes.
    /// (The tree is borrowed through a buffer pointer: binding it to a
    /// local would copy the struct and retain all its arrays.)
    private func find(inTree tree: Int, path bytes: UnsafeBufferPointer<UInt8>) -> RouteTableMatch? {
        trees.withUnsafeBufferPointer { trees in
            let tree = trees.baseAddress! + tree
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * tree.pointee.maxVariables + 2) { values in
                guard let leafIndex = RouteTree.match(tree: tree, bytes, values: values) else { return nil }
                return tree.pointee.leaves.withUnsafeBufferPointer { leaves in
                    .found(handler: leaves[leafIndex].handler, params: params(of: leaves[leafIndex], bytes, values))
                }
            }
        }
    }

    private func params(
        of leaf: borrowing RouteLeaf, _ bytes: UnsafeBufferPointer<UInt8>, _ values: UnsafeMutableBufferPointer<Int>
    ) -> RouteParameters {
        guard !leaf.variableNames.isEmpty else { return [] }
        var params: RouteParameters = []
        params.reserveCapacity(leaf.variableNames.count)
        for (index, name) in leaf.variableNames.enumerated() {
            let raw = UnsafeBufferPointer(rebasing: bytes[values[2 * index]..<values[2 * index + 1]])
            params.append((name, value(of: raw)))
        }
        return params
    }

    private func value(of raw: UnsafeBufferPointer<UInt8>) -> String {
        if decodePath, raw.contains(PathBytes.percent), let decoded = PathBytes.percentDecoded(raw) {
            return String(decoding: decoded, as: UTF8.self)
        }
        return String(decoding: raw, as: UTF8.self)
    }

    /// The slow path, once the request's method has no route for `path`.
    private func unmatched(method: String, path: String, treeIndex: Int?) -> RouteTableMatch {
        // Not an origin-form path (`*`, empty): nothing to fix or offer.
        guard path.utf8.first == PathBytes.slash else { return .notFound }

        // gin only tries the redirects within the request method's own tree,
        // never for CONNECT nor for the root.
        if let treeIndex, method != "CONNECT", path != "/" {
            let tree = trees[treeIndex]
            let status = method == "GET" ? 301 : 307
            if redirectTrailingSlash, let location = toggledTrailingSlash(path), tree.matches(location) {
                return .redirect(location: location, status: status)
            }
            if redirectFixedPath, let location = fixedPath(path, in: tree), location != path {
                return .redirect(location: location, status: status)
            }
        }

        if handleMethodNotAllowed {
            let allowed = trees.filter { $0.method != method && $0.matches(path) }.map(\.method)
            if !allowed.isEmpty { return .methodNotAllowed(allowed: allowed) }
        }
        return .notFound
    }

    /// `/foo/` → `/foo`, `/foo` → `/foo/` (gin's RedirectTrailingSlash).
    private func toggledTrailingSlash(_ path: String) -> String? {
        guard path.utf8.first == PathBytes.slash else { return nil }
        if path.utf8.count > 1 && path.utf8.last == PathBytes.slash { return String(path.dropLast()) }
        return path + "/"
    }

    /// gin's RedirectFixedPath: clean, then a case-insensitive match, also
    /// trying the trailing slash toggled.
    private func fixedPath(_ path: String, in tree: RouteTree) -> String? {
        let cleaned = PathBytes.cleanPath(path)
        if let fixed = tree.caseInsensitivePath(cleaned) { return fixed }
        if cleaned != "/", let toggled = toggledTrailingSlash(cleaned) {
            return tree.caseInsensitivePath(toggled)
        }
        return nil
    }
}

/// `RouteMatch` with the handler as an index into `Router`'s list.
@usableFromInline
enum RouteTableMatch: Sendable {
    case found(handler: Int, params: RouteParameters)
    case methodNotAllowed(allowed: [String])
    case redirect(location: String, status: Int)
    case notFound
}

/// RFC 9110 token characters, the only ones allowed in a method.
private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        return true
    default:
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
