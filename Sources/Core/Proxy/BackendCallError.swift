/// Why a backend call did not produce data. `description` is the gateway's
/// interpretation that `return_error_msg` shows the client.
public struct BackendCallError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        case invalidStatus(Int)
        /// A success status whose content reports a failure (a GraphQL
        /// `errors` array, a SOAP fault).
        case rejected(status: Int)
        /// The client's request could not be turned into the backend's.
        case badRequest
        case timeout
        case connection
        case decoding
        case unsupported

        var isBadRequest: Bool { if case .badRequest = self { return true } else { return false } }
    }

    public var kind: Kind
    public var description: String
    /// The backend's own answer, when it gave one (for `return_error_code`
    /// and `return_error_details`).
    public var backendBody: String?
    public var backendContentType: String?
    /// What a rejected answer still carried (GraphQL's partial `data`),
    /// shaped like any backend's data: merged, the response marked incomplete.
    public var partialData: [String: Value]?
    /// More about the failure for `return_error_details` (a SOAP fault's
    /// code and reason), beside the status and body.
    public var details: [String: Value] = [:]

    public init(_ kind: Kind, _ description: String, backendBody: String? = nil, backendContentType: String? = nil, partialData: [String: Value]? = nil) {
        self.kind = kind
        self.description = description
        self.backendBody = backendBody
        self.backendContentType = backendContentType
        self.partialData = partialData
    }

    public var statusCode: Int? {
        if case .invalidStatus(let code) = kind { return code }
        return nil
    }

    /// The backend's status when it answered: what `return_error_details` shows.
    public var answeredStatus: Int? {
        switch kind {
        case .invalidStatus(let code), .rejected(let code): return code
        default: return nil
        }
    }
}
