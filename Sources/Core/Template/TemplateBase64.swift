// Go's base64.StdEncoding for Sprig's b64enc/b64dec: padded standard
// alphabet, CR and LF ignored when decoding, Go's error offsets
// ("illegal base64 data at input byte 4").

enum TemplateBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeMap: [UInt8] = {
        var map = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { map[Int(c)] = UInt8(i) }
        return map
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = Swift.min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            out.append(alphabet[Int(v >> 18 & 0x3F)])
            out.append(alphabet[Int(v >> 12 & 0x3F)])
            out.append(n > 1 ? alphabet[Int(v >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(v & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> Result<[UInt8], TemplateFunctionError> {
        let src = Array(text.utf8)
        var out: [UInt8] = []
        var si = 0
        func corrupt(_ at: Int) -> Result<[UInt8], TemplateFunctionError> {
            .failure(TemplateFunctionError("illegal base64 data at input byte \(at)"))
        }
        func isNewline(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
        while si < src.count {
            var quantum: [UInt8] = [0, 0, 0, 0]
            var length = 4
            var trailingError: Int?
            var j = 0
            while j < 4 {
                if si == src.count {
                    if j == 0 { return .success(out) }
                    return corrupt(si - j) // input must be padded
                }
                let c = src[si]
                si += 1
                let v = decodeMap[Int(c)]
                if v != 0xFF {
                    quantum[j] = v
                    j += 1
                    continue
                }
                if isNewline(c) { continue }
                if c != UInt8(ascii: "=") { return corrupt(si - 1) }
                // Padding: only at positions 2 (as "==") and 3.
                if j < 2 { return corrupt(si - 1) }
                if j == 2 {
                    while si < src.count && isNewline(src[si]) { si += 1 }
                    if si == src.count { return corrupt(src.count) }
                    if src[si] != UInt8(ascii: "=") { return corrupt(si - 1) }
                    si += 1
                }
                while si < src.count && isNewline(src[si]) { si += 1 }
                if si < src.count { trailingError = si }
                length = j
                break
            }
            let v = UInt32(quantum[0]) << 18 | UInt32(quantum[1]) << 12 | UInt32(quantum[2]) << 6 | UInt32(quantum[3])
            let decoded = [UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
            out.append(contentsOf: decoded.prefix(length - 1))
            if let e = trailingError { return corrupt(e) }
        }
        return .success(out)
    }
}
