// A bounds-checked cursor over protobuf bytes. It reads in place from a raw
// buffer (no copy) and reports every overrun as a `ProtobufDecodeError`, so a
// truncated or hostile message can never read outside the buffer.

struct WireReader {
    let base: UnsafeRawPointer?
    /// Offset of `base` in the outermost buffer, for error offsets.
    let origin: Int
    private(set) var position: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer, origin: Int = 0) {
        self.base = buffer.baseAddress
        self.origin = origin
        self.position = 0
        self.end = buffer.count
    }

    /// A reader over `range` of the same buffer (a nested message).
    init(parent: WireReader, range: Range<Int>) {
        self.base = parent.base
        self.origin = parent.origin
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    func error(_ reason: ProtobufDecodeError.Reason) -> ProtobufDecodeError {
        ProtobufDecodeError(reason, at: origin + position)
    }

    @inline(__always)
    mutating func readVarint() throws(ProtobufDecodeError) -> UInt64 {
        guard let base, position < end else { throw error(.truncatedVarint) }
        let first = base.load(fromByteOffset: position, as: UInt8.self)
        if first < 0x80 {
            position += 1
            return UInt64(first)
        }
        var result = UInt64(first & 0x7F)
        var shift: UInt64 = 7
        var i = position + 1
        while true {
            guard i < end else { throw error(.truncatedVarint) }
            let byte = base.load(fromByteOffset: i, as: UInt8.self)
            i += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
            if shift >= 70 { throw error(.malformedVarint) }
        }
        position = i
        return result
    }

    /// Reads a tag: field number and wire type, both validated.
    @inline(__always)
    mutating func readTag() throws(ProtobufDecodeError) -> (number: Int, wireType: WireType) {
        let start = position
        let tag = try readVarint()
        let number = tag >> 3
        guard number != 0, number <= WireLimits.maxFieldNumber else {
            position = start
            throw error(.invalidFieldNumber)
        }
        guard let wireType = WireType(rawValue: UInt8(tag & 7)) else {
            position = start
            throw error(.invalidWireType)
        }
        return (Int(number), wireType)
    }

    @inline(__always)
    mutating func readFixed32() throws(ProtobufDecodeError) -> UInt32 {
        guard let base, end - position >= 4 else { throw error(.truncated) }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: v)
    }

    @inline(__always)
    mutating func readFixed64() throws(ProtobufDecodeError) -> UInt64 {
        guard let base, end - position >= 8 else { throw error(.truncated) }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: v)
    }

    /// Reads a length prefix and returns the payload's range, leaving the
    /// cursor after it.
    @inline(__always)
    mutating func readLengthDelimited() throws(ProtobufDecodeError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - position) else { throw error(.truncated) }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// The bytes of `range` as a buffer (valid while the underlying buffer is).
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    func string(_ range: Range<Int>) -> String {
        // Invalid UTF-8 becomes U+FFFD rather than an error: a gateway should
        // still pass on the rest of a response whose one string is mangled.
        String(decoding: bytes(range), as: UTF8.self)
    }

    /// Skips the value of a field whose tag was just read. Groups are skipped
    /// to their matching end tag, nested groups included, up to `depth`.
    mutating func skipField(number: Int, wireType: WireType, depth: Int) throws(ProtobufDecodeError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64:
            guard end - position >= 8 else { throw error(.truncated) }
            position += 8
        case .fixed32:
            guard end - position >= 4 else { throw error(.truncated) }
            position += 4
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup:
            guard depth > 0 else { throw error(.depthLimitExceeded) }
            while true {
                guard !isAtEnd else { throw error(.unbalancedGroup) }
                let tag = try readTag()
                if tag.wireType == .endGroup {
                    guard tag.number == number else { throw error(.unbalancedGroup) }
                    return
                }
                try skipField(number: tag.number, wireType: tag.wireType, depth: depth - 1)
            }
        case .endGroup:
            throw error(.unbalancedGroup)
        }
    }
}
