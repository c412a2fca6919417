/// The request router: maps a method and a path to the endpoint handler,
/// with the behaviour KrakenD gets from gin (httprouter's rules).
///
/// Build it once at start-up with `add(method:path:handler:)`, then share it
/// read-only (it is a `Sendable` value). `lookup(method:path:)` allocates
/// nothing on a match beyond the returned parameters; the non-matching
/// paths (redirects, 405, 404) are allowed to be slower.
///
/// Rules, as in KrakenD 2.x / gin 1.9:
/// - Endpoints use `{var}` (gin's `:var` is accepted too). A variable matches
///   one whole, non-empty segment: `/user/{id}` takes `/user/123`, not
///   `/user/1/2` nor `/user/` nor `/user//x`.
/// - Collisions are checked per method (gin has one tree per method).
///   Different variable names at the same position are refused
///   (`/user/{userid}` + `/user/{iduser}/some`), as is the same method and
///   path twice. A static segment next to a variable is fine and wins
///   (`/user/new` + `/user/{id}`); if the static branch leads nowhere the
///   variable is tried (`/user/new/profile` matches `/user/{id}/profile`).
/// - `/foo` and `/foo/` are different routes.
/// - With `disableREST` (KrakenD's `disable_rest`) variables may sit inside a
///   segment, `/foo/{var}/file.{extension}`; without it that is an error.
///   Such a segment is matched left to right, each variable taking the
///   shortest non-empty run after which the rest of the segment matches, so
///   a trailing variable takes all that is left: `file.{ext}` gives
///   `ext = tar.gz` for `file.tar.gz` (like gin's `/file.:ext`), and
///   `{name}.{ext}` gives `name = a`, `ext = tar.gz`. Per segment, static
///   text is tried first, then these patterns (most text first, then in
///   registration order), then a whole-segment variable.
///
/// Path values: the router matches the path exactly as given, which should
/// be the raw (still percent-encoded) request path without the query. Values
/// are returned raw (`a%20b`, `a%2Fb`) unless `decodePath` is set, which
/// percent-decodes them (`a b`, `a/b`; malformed escapes are left raw, `+`
/// stays `+`). An encoded `/` never splits a segment. Static segments also
/// match their decoded spelling (`/us%65r` reaches `/user`), as KrakenD routes
/// on Go's decoded path.
public struct Router<Handler: Sendable>: Sendable {
    /// The matching itself is not generic, so it is compiled once and fully
    /// optimised whatever `Handler` is; routes refer to `handlers` by index.
    @usableFromInline var table = RouteTable()
    @usableFromInline var handlers: [Handler] = []

    public init(disableREST: Bool = false) {
        table.disableREST = disableREST
    }

    /// KrakenD's root `disable_rest`: allow variables inside a segment.
    /// Applies to routes added afterwards.
    public var disableREST: Bool {
        get { table.disableREST }
        set { table.disableREST = newValue }
    }

    /// gin's `RedirectTrailingSlash` (`!disable_redirect_trailing_slash`):
    /// redirect `/foo/` to `/foo` (and back) when only the other exists.
    public var redirectTrailingSlash: Bool {
        get { table.redirectTrailingSlash }
        set { table.redirectTrailingSlash = newValue }
    }

    /// gin's `RedirectFixedPath` (`!disable_redirect_fixed_path`): redirect a
    /// cleaned, case-corrected path (`/FOO`, `//foo/../bar`) that matches.
    /// It also fixes the trailing slash, whatever `redirectTrailingSlash`
    /// says (which is why the schema says disabling the trailing-slash
    /// redirect needs `disable_redirect_fixed_path` too).
    public var redirectFixedPath: Bool {
        get { table.redirectFixedPath }
        set { table.redirectFixedPath = newValue }
    }

    /// gin's `HandleMethodNotAllowed` (`!disable_handle_method_not_allowed`):
    /// answer `.methodNotAllowed` instead of `.notFound` when other methods
    /// route the path.
    public var handleMethodNotAllowed: Bool {
        get { table.handleMethodNotAllowed }
        set { table.handleMethodNotAllowed = newValue }
    }

    /// gin's `RemoveExtraSlash` (`remove_extra_slash`): clean the path
    /// (`//`, `.`, `..`) before matching.
    public var removeExtraSlash: Bool {
        get { table.removeExtraSlash }
        set { table.removeExtraSlash = newValue }
    }

    /// Percent-decode variable values (see the type's documentation).
    public var decodePath: Bool {
        get { table.decodePath }
        set { table.decodePath = newValue }
    }

    /// The routes added so far, in order, as declared.
    public var routes: [(method: String, path: String)] { table.routes }

    /// Adds a route for `method` (upper-cased, as KrakenD does) and an
    /// endpoint path such as `/v1/users/{user}`.
    public mutating func add(method: String, path: String, handler: Handler) throws(RouteError) {
        try table.add(method: method, path: path, handler: handlers.count)
        handlers.append(handler)
    }

    /// Routes a request. `path` is the request path without the query
    /// string; `method` is compared exactly (HTTP methods are case-sensitive).
    @inlinable
    public func lookup(method: String, path: String) -> RouteMatch<Handler> {
        resolve(table.lookup(method: method, path: path))
    }

    /// Routes a request whose path is a slice of a larger buffer (the
    /// request target before its `?`), without copying it on a match.
    @inlinable
    public func lookup(method: String, path: Substring) -> RouteMatch<Handler> {
        resolve(table.lookup(method: method, path: path))
    }

    /// Every method that routes `path` (registration order), for `OPTIONS`
    /// answers such as KrakenD's `auto_options`.
    public func allowedMethods(path: String) -> [String] {
        table.allowedMethods(path: path)
    }

    // Inlinable so callers in other modules get it specialised for their
    // handler type instead of going through generic metadata at run time.
    @inlinable
    func resolve(_ match: RouteTableMatch) -> RouteMatch<Handler> {
        switch match {
        case .found(let handler, let params): return .found(handlers[handler], params: params)
        case .methodNotAllowed(let allowed): return .methodNotAllowed(allowed: allowed)
        case .redirect(let location, let status): return .redirect(location: location, status: status)
        case .notFound: return .notFound
        }
    }
}

