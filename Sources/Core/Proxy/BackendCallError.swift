/// Why a backend call did not produce data. `description` is the gateway's
/// interpretation that `return_error_msg` shows the client.
public struct BackendCallError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        case invalidStatus(Int)
        case timeout
        case connection
        case decoding
        case unsupported
    }

    public var kind: Kind
    public var description: String
    /// The backend's own answer, when it gave one (for `return_error_code`
    /// and `return_error_details`).
    public var backendBody: String?
    public var backendContentType: String?

    public init(_ kind: Kind, _ description: String, backendBody: String? = nil, backendContentType: String? = nil) {
        self.kind = kind
        self.description = description
        self.backendBody = backendBody
        self.backendContentType = backendContentType
    }

    public var statusCode: Int? {
        if case .invalidStatus(let code) = kind { return code }
        return nil
    }
}
