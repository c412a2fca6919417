// The protobuf wire format's vocabulary, shared by the reader, the writer,
// the descriptor-set parser and the codec.

/// The six wire types of the protobuf encoding (3 and 4 are the deprecated groups).
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// Why protobuf bytes could not be read: the decoder never traps on bad input,
/// it throws one of these with the byte offset (in the outermost buffer) where
/// it noticed.
public struct ProtobufDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A varint runs past the end of the buffer.
        case truncatedVarint
        /// A varint is longer than 10 bytes.
        case malformedVarint
        /// A fixed32/fixed64 value, or a length-delimited payload, runs past the end.
        case truncated
        /// Field number 0 or above 2^29-1.
        case invalidFieldNumber
        /// Wire type 6 or 7.
        case invalidWireType
        /// A known field arrived with a wire type its type cannot have.
        case wrongWireType(field: String)
        /// An end-group tag with no matching start, or a group never closed.
        case unbalancedGroup
        /// More nested messages/groups than the decoder's depth limit.
        case depthLimitExceeded
    }

    public var reason: Reason
    /// Byte offset where the problem was noticed.
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncatedVarint: what = "truncated varint"
        case .malformedVarint: what = "varint longer than 10 bytes"
        case .truncated: what = "unexpected end of message"
        case .invalidFieldNumber: what = "invalid field number"
        case .invalidWireType: what = "invalid wire type"
        case .wrongWireType(let field): what = "wrong wire type for field \(field)"
        case .unbalancedGroup: what = "unbalanced group"
        case .depthLimitExceeded: what = "message nesting exceeds the depth limit"
        }
        return "protobuf: \(what) (at byte offset \(offset))"
    }
}

enum WireLimits {
    /// Largest field number protobuf allows (2^29 - 1).
    static let maxFieldNumber: UInt64 = (1 << 29) - 1
    /// Default nesting limit for messages and groups, like protobuf-go's 10 000
    /// but lower: the decoder recurses, and gateway threads have small stacks.
    static let defaultDepthLimit = 100
}
