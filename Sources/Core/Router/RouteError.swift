/// Why an endpoint could not be added to the `Router`.
///
/// KrakenD panics at start-up for these (gin refuses the route); the
/// description names the offending path(s) so `krakend check` style output
/// can point the user at the configuration to fix.
public enum RouteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The pattern is malformed (no leading `/`, unbalanced braces, empty or
    /// invalid variable name, repeated variable, ...).
    case invalidPath(path: String, reason: String)

    /// A variable is only part of a segment (`/file.{ext}`) while RESTful
    /// checking is on.
    case disableRESTRequired(path: String, segment: String)

    /// Two routes of the same method declare different variables at the same
    /// position: `/user/{userid}` and `/user/{iduser}/some`.
    case conflictingVariables(path: String, segment: String, existingPath: String, existingSegment: String)

    /// The same method and path (up to variable names being equal) twice.
    case duplicateRoute(method: String, path: String)

    /// The HTTP method is empty or has characters that are not a token.
    case invalidMethod(method: String, path: String)

    public var description: String {
        switch self {
        case .invalidPath(let path, let reason):
            return "invalid endpoint path '\(path)': \(reason)"
        case .disableRESTRequired(let path, let segment):
            return "endpoint path '\(path)' has a variable inside the segment '\(segment)'; "
                + "only whole-segment variables like '/{var}' are RESTful. "
                + "Enable 'disable_rest' to use patterns like '/file.{extension}'"
        case .conflictingVariables(let path, let segment, let existingPath, let existingSegment):
            return "'\(segment)' in new path '\(path)' conflicts with existing variable '\(existingSegment)' "
                + "in existing path '\(existingPath)': routes sharing a prefix must use the same variable names"
        case .duplicateRoute(let method, let path):
            return "handlers are already registered for \(method) '\(path)'"
        case .invalidMethod(let method, let path):
            return "invalid HTTP method '\(method)' for endpoint path '\(path)'"
        }
    }
}
