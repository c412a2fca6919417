/// How `GoTemplate` treats the text every action prints.
///
/// - `none`: as Go's text/template, nothing is escaped.
/// - `xml`: for templates that build XML (the SOAP backend), the printed result
///   of every action is escaped as XML character data: `&` `<` `>` `"` `'`
///   become `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` (the entities the gateway's
///   XML encoder writes). An action whose pipeline ends with the `raw` function
///   (`{{ .fragment | raw }}`, `{{ raw .fragment }}`) prints its value as is.
///   Literal template text and the output of `{{template}}` calls are never
///   re-escaped; the actions inside the called template are escaped themselves.
public enum TemplateEscaping: Sendable, Equatable {
    case none
    case xml
}

/// The escapers: XML for `.xml` mode, and Go's `html`, `js` and `urlquery` builtins.
enum TemplateEscaper {
    /// Appends `s` escaped as XML character data.
    static func appendXML(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendXML(bytes: $0, to: &out) }
    }

    static func appendXML(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        for (i, b) in bytes.enumerated() {
            let entity: StaticString
            switch b {
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&apos;"
            default: continue
            }
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            out.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
            runStart = i + 1
        }
        if bytes.count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    /// Go's `template.HTMLEscapeString`.
    static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\0": out += "\u{FFFD}"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Go's `template.JSEscapeString`.
    static func js(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + TemplateQuote.hex(scalar.value, digits: 2, uppercase: true)
                } else if scalar.value < 0x80 || TemplateQuote.isPrint(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\\u" + TemplateQuote.hex(scalar.value, digits: 4, uppercase: true)
                }
            }
        }
        return out
    }

    /// Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`.
    static func urlQuery(_ s: String) -> String {
        var out: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
