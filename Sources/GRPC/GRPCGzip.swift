/// Inflates a gzip member (RFC 1952 around RFC 1951 DEFLATE) in pure Swift:
/// the gateway's modules link no zlib, and a decoder of our own can stop at
/// the receive limit, so a small compressed bomb never becomes a large buffer.
enum GRPCGzip {
    enum Failure: Error, Equatable {
        case tooLarge(Int)
        case corrupt(String)
    }

    static func inflate(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        guard input.count >= 18, input[0] == 0x1F, input[1] == 0x8B, input[2] == 8 else {
            throw Failure.corrupt("not a gzip stream")
        }
        let flags = input[3]
        var pos = 10
        if flags & 4 != 0 {  // FEXTRA
            guard pos + 2 <= input.count else { throw Failure.corrupt("truncated header") }
            pos += 2 + (Int(input[pos]) | Int(input[pos + 1]) << 8)
        }
        for bit in [UInt8(8), 16] where flags & bit != 0 {  // FNAME, FCOMMENT: zero-terminated
            while pos < input.count && input[pos] != 0 { pos += 1 }
            pos += 1
        }
        if flags & 2 != 0 { pos += 2 }  // FHCRC
        guard pos < input.count else { throw Failure.corrupt("truncated header") }
        var inflater = Inflater(input: input, position: pos, limit: limit)
        try inflater.run()
        let out = inflater.output
        // The trailer's CRC-32 is not checked (HTTP/2 and TLS already guard
        // the bytes); its length is.
        guard inflater.position + 8 <= input.count else { throw Failure.corrupt("truncated trailer") }
        let size = (0..<4).reduce(UInt32(0)) { $0 | UInt32(input[inflater.position + 4 + $1]) << (8 * UInt32($1)) }
        guard size == UInt32(truncatingIfNeeded: out.count) else { throw Failure.corrupt("length mismatch") }
        return out
    }
}

/// DEFLATE decoding with canonical Huffman tables (as zlib's puff.c).
private struct Inflater {
    let input: [UInt8]
    var position: Int
    let limit: Int
    var output: [UInt8] = []
    private var bitBuffer: UInt32 = 0
    private var bitCount = 0

    init(input: [UInt8], position: Int, limit: Int) {
        self.input = input
        self.position = position
        self.limit = limit
    }

    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: ArraySlice<Int>) throws {
            symbols = [Int](repeating: 0, count: lengths.count)
            for l in lengths { counts[l] += 1 }
            // Where each length's symbols start in `symbols`, shortest codes first.
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
        }
    }

    private mutating func bits(_ need: Int) throws -> Int {
        while bitCount < need {
            guard position < input.count else { throw GRPCGzip.Failure.corrupt("truncated deflate data") }
            bitBuffer |= UInt32(input[position]) << UInt32(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt32(need)) - 1))
        bitBuffer >>= UInt32(need)
        bitCount -= need
        return value
    }

    private mutating func decode(_ h: Huffman) throws -> Int {
        var code = 0, first = 0, index = 0
        for len in 1..<16 {
            code |= try bits(1)
            let count = h.counts[len]
            if code - count < first { return h.symbols[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw GRPCGzip.Failure.corrupt("invalid Huffman code")
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private static let fixed: (Huffman, Huffman) = {
        var lengths = [Int](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return (try! Huffman(lengths: lengths[...]), try! Huffman(lengths: [Int](repeating: 5, count: 30)[...]))
    }()

    mutating func run() throws {
        var last = 0
        repeat {
            last = try bits(1)
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(Self.fixed.0, Self.fixed.1)
            case 2:
                let (lit, dist) = try dynamicTables()
                try codes(lit, dist)
            default: throw GRPCGzip.Failure.corrupt("invalid block type")
            }
        } while last == 0
        // Back to a byte boundary: the gzip trailer follows.
        bitBuffer = 0
        bitCount = 0
    }

    private mutating func stored() throws {
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw GRPCGzip.Failure.corrupt("truncated stored block") }
        let len = Int(input[position]) | Int(input[position + 1]) << 8
        let nlen = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard len == ~nlen & 0xFFFF else { throw GRPCGzip.Failure.corrupt("stored block length mismatch") }
        position += 4
        guard position + len <= input.count else { throw GRPCGzip.Failure.corrupt("truncated stored block") }
        try reserve(len)
        output.append(contentsOf: input[position..<position + len])
        position += len
    }

    private mutating func reserve(_ n: Int) throws {
        if output.count + n > limit { throw GRPCGzip.Failure.tooLarge(output.count + n) }
    }

    private mutating func codes(_ lit: Huffman, _ dist: Huffman) throws {
        while true {
            let symbol = try decode(lit)
            if symbol < 256 {
                try reserve(1)
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let s = symbol - 257
                guard s < 29 else { throw GRPCGzip.Failure.corrupt("invalid length symbol") }
                let length = Self.lengthBase[s] + (try bits(Self.lengthExtra[s]))
                let ds = try decode(dist)
                guard ds < 30 else { throw GRPCGzip.Failure.corrupt("invalid distance symbol") }
                let distance = Self.distBase[ds] + (try bits(Self.distExtra[ds]))
                guard distance <= output.count else { throw GRPCGzip.Failure.corrupt("distance too far back") }
                try reserve(length)
                let start = output.count - distance
                for i in 0..<length { output.append(output[start + i]) }
            }
        }
    }

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamicTables() throws -> (Huffman, Huffman) {
        let nlen = try bits(5) + 257
        let ndist = try bits(5) + 1
        let ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw GRPCGzip.Failure.corrupt("bad table counts") }
        var lengths = [Int](repeating: 0, count: 320)
        for i in 0..<ncode { lengths[Self.codeLengthOrder[i]] = try bits(3) }
        let lencode = try Huffman(lengths: lengths[0..<19])
        var index = 0
        while index < nlen + ndist {
            let symbol = try decode(lencode)
            if symbol < 16 {
                lengths[index] = symbol
                index += 1
                continue
            }
            var value = 0
            let repeatCount: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw GRPCGzip.Failure.corrupt("repeat with no first length") }
                value = lengths[index - 1]
                repeatCount = 3 + (try bits(2))
            case 17: repeatCount = 3 + (try bits(3))
            default: repeatCount = 11 + (try bits(7))
            }
            guard index + repeatCount <= nlen + ndist else { throw GRPCGzip.Failure.corrupt("too many lengths") }
            for _ in 0..<repeatCount {
                lengths[index] = value
                index += 1
            }
        }
        return (try Huffman(lengths: lengths[0..<nlen]), try Huffman(lengths: lengths[nlen..<(nlen + ndist)]))
    }
}
