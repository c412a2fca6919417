// Appends protobuf wire data to a caller-owned [UInt8], so one buffer can be
// reused across requests. Nested messages are written in place: a one-byte
// length is reserved, and the payload is shifted right in the rare case its
// length needs more bytes, which avoids a separate sizing pass.

struct WireWriter {
    var bytes: [UInt8]

    init(reusing buffer: [UInt8]) {
        bytes = buffer
        bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    mutating func writeTag(_ number: Int, _ wireType: WireType) {
        writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    @inline(__always)
    mutating func writeFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func writeBytes<C: Collection<UInt8>>(_ payload: C) {
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { writeBytes($0) }
    }

    /// Reserves the length prefix of a nested payload; pass the result to
    /// `endLengthDelimited` once the payload is written.
    @inline(__always)
    mutating func beginLengthDelimited() -> Int {
        bytes.append(0)
        return bytes.count
    }

    mutating func endLengthDelimited(_ start: Int) {
        let length = bytes.count - start
        if length < 0x80 {
            bytes[start - 1] = UInt8(length)
            return
        }
        var prefixSize = 1
        var v = length >> 7
        while v > 0 { prefixSize += 1; v >>= 7 }
        let extra = prefixSize - 1
        bytes.append(contentsOf: repeatElement(0, count: extra))
        bytes.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            (p + start + extra).copyMemory(from: p + start, byteCount: length)
            var value = length
            var i = start - 1
            while value >= 0x80 {
                p.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: i, as: UInt8.self)
                value >>= 7
                i += 1
            }
            p.storeBytes(of: UInt8(value), toByteOffset: i, as: UInt8.self)
        }
    }
}
