/// Why a backend call did not produce data. `description` is the message that
/// `return_error_msg` shows the client.
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

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
