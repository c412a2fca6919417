/// The variables captured by a route, in the order they appear in the
/// endpoint pattern. Names are exactly as declared (`{id}` → `id`).
public typealias RouteParameters = [(name: String, value: String)]

/// The outcome of `Router.lookup(method:path:)`.
///
/// The cases are produced in gin's order of precedence: a match for the
/// request's method, then the trailing-slash redirect, then the fixed-path
/// redirect, then 405, and finally 404.
public enum RouteMatch<Handler: Sendable>: Sendable {
    /// A route for this method and path exists.
    case found(Handler, params: RouteParameters)

    /// No route for this method, but the path is routed for the `allowed`
    /// methods (in registration order). Answer 405 with an `Allow` header.
    case methodNotAllowed(allowed: [String])

    /// The path is not routed as written, but a close variant is (trailing
    /// slash toggled, or cleaned and case-corrected). `status` is 301 for
    /// `GET` and 307 for every other method, as gin does.
    ///
    /// `location` is a path only: append the request's `?query` if it had one.
    case redirect(location: String, status: Int)

    /// Nothing is routed at this path for any method.
    case notFound
}

extension RouteMatch {
    /// The handler when the route was found.
    public var handler: Handler? {
        if case .found(let handler, _) = self { return handler }
        return nil
    }

    /// The captured variables when the route was found, otherwise empty.
    public var params: RouteParameters {
        if case .found(_, let params) = self { return params }
        return []
    }
}
