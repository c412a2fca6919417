/// Percent-encoding as Go's net/url writes it, for the two places a value
/// lands in a URL.
enum PercentEncoding {
    /// `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`.
    static func queryComponent(_ s: String) -> String {
        encode(s, spaceAsPlus: true) { _ in false }
    }

    /// A path value (`url.PathEscape` plus `/`): sub-delimiters, `:`, `@` and `/` kept.
    static func path(_ s: String) -> String {
        encode(s, spaceAsPlus: false) { "$&+,/:;=@!'()*".utf8.contains($0) }
    }

    /// A value that must stay one path segment or one query value wherever
    /// it lands: only unreserved bytes kept, everything else `%XX`.
    static func component(_ s: String) -> String {
        encode(s, spaceAsPlus: false) { _ in false }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encode(_ s: String, spaceAsPlus: Bool, alsoKeep: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: " ") where spaceAsPlus:
                out.append(UInt8(ascii: "+"))
            case _ where alsoKeep(b):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%")); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
