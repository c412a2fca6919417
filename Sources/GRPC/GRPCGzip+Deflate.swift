/// Deflates into a gzip member (RFC 1952 around RFC 1951): LZ77 matches
/// found through a hash of the next three bytes, written with the fixed
/// Huffman codes. Not zlib's ratio, but small, allocation-light and
/// dependency-free; gRPC answers are compressed only when the request was.
extension GRPCGzip {
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        var out = BitWriter()
        out.bytes = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]  // no name, no time, unknown OS
        out.bytes.reserveCapacity(input.count / 2 + 32)
        out.write(1, bits: 1)  // the last block
        out.write(1, bits: 2)  // fixed Huffman codes
        input.withUnsafeBufferPointer { input in
            var head = [Int32](repeating: -1, count: 1 << 15)
            var i = 0
            let n = input.count
            while i < n {
                var matchLength = 0
                var distance = 0
                if i + 3 <= n {
                    let hash = (Int(input[i]) << 10 ^ Int(input[i + 1]) << 5 ^ Int(input[i + 2])) & 0x7FFF
                    let candidate = Int(head[hash])
                    head[hash] = Int32(i)
                    if candidate >= 0, i - candidate <= 32768 {
                        let limit = min(258, n - i)
                        var length = 0
                        while length < limit && input[candidate + length] == input[i + length] { length += 1 }
                        if length >= 3 {
                            matchLength = length
                            distance = i - candidate
                        }
                    }
                }
                if matchLength > 0 {
                    out.writeLength(matchLength)
                    out.writeDistance(distance)
                    i += matchLength
                } else {
                    out.writeLiteral(Int(input[i]))
                    i += 1
                }
            }
        }
        out.writeLiteral(256)  // end of block
        out.flush()
        let crc = CRC32.checksum(input)
        let size = UInt32(truncatingIfNeeded: input.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.bytes.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.bytes.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return out.bytes
    }
}

/// DEFLATE's bit order: values least-significant bit first, Huffman codes
/// most-significant bit first.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    mutating func write(_ value: Int, bits: Int) {
        buffer |= UInt64(value) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    mutating func writeCode(_ code: Int, length: Int) {
        var reversed = 0
        for b in 0..<length where code & (1 << b) != 0 { reversed |= 1 << (length - 1 - b) }
        write(reversed, bits: length)
    }

    /// A literal byte or a length symbol (257…285) in the fixed code.
    mutating func writeLiteral(_ symbol: Int) {
        switch symbol {
        case 0...143: writeCode(0x30 + symbol, length: 8)
        case 144...255: writeCode(0x190 + symbol - 144, length: 9)
        case 256...279: writeCode(symbol - 256, length: 7)
        default: writeCode(0xC0 + symbol - 280, length: 8)
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                               4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    mutating func writeLength(_ length: Int) {
        var code = Self.lengthBase.count - 1
        while Self.lengthBase[code] > length { code -= 1 }
        writeLiteral(257 + code)
        write(length - Self.lengthBase[code], bits: Self.lengthExtra[code])
    }

    mutating func writeDistance(_ distance: Int) {
        var code = Self.distanceBase.count - 1
        while Self.distanceBase[code] > distance { code -= 1 }
        writeCode(code, length: 5)
        write(distance - Self.distanceBase[code], bits: Self.distanceExtra[code])
    }

    mutating func flush() {
        if count > 0 { write(0, bits: 8 - count) }
    }
}

/// The CRC-32 of gzip's trailer (IEEE polynomial, reflected).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
