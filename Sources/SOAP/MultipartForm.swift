/// The fields of a `multipart/form-data` body (RFC 7578), as Go's
/// `ParseMultipartForm` puts them in `Value`: parts with a `filename` are
/// files and are left out.
enum MultipartForm {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The `boundary` parameter of a Content-Type, unquoted.
    static func boundary(in contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingSpaces
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    static func fields(_ body: [UInt8], boundary: String) throws(Malformed) -> [(key: String, value: String)] {
        let delimiter = Array(("--" + boundary).utf8)
        guard var position = find(delimiter, in: body, from: 0) else { throw Malformed(description: "no boundary in the body") }
        var fields: [(String, String)] = []
        while true {
            position += delimiter.count
            // `--` after a delimiter closes the body.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { return fields }
            guard let headersStart = skipLineEnd(body, position),
                  let headersEnd = find(Array("\r\n\r\n".utf8), in: body, from: headersStart - 2) else {
                throw Malformed(description: "a part without headers")
            }
            let contentStart = headersEnd + 4
            guard let next = find(Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else {
                throw Malformed(description: "a part without its closing boundary")
            }
            let headers = String(decoding: body[headersStart..<max(headersStart, headersEnd)], as: UTF8.self)
            if let name = formName(headers) {
                fields.append((name, String(decoding: body[contentStart..<next], as: UTF8.self)))
            }
            position = next + 2
        }
    }

    /// The field name of a part, `nil` for a file or a part without one.
    static func formName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "content-disposition" else { continue }
            var name: String?
            for parameter in pair[1].split(separator: ";").dropFirst() {
                let kv = parameter.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                var value = kv[1].trimmingSpaces
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
                switch kv[0].trimmingSpaces.lowercased() {
                case "filename": return nil
                case "name": name = String(value)
                default: break
                }
            }
            return name
        }
        return nil
    }

    private static func skipLineEnd(_ body: [UInt8], _ position: Int) -> Int? {
        var i = position
        while i < body.count, body[i] == UInt8(ascii: " ") || body[i] == UInt8(ascii: "\t") { i += 1 }
        guard i + 1 < body.count, body[i] == UInt8(ascii: "\r"), body[i + 1] == UInt8(ascii: "\n") else { return nil }
        return i + 2
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
